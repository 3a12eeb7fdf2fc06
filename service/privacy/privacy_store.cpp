#include "privacy/privacy_store.hpp"

#include <algorithm>

#include <Poco/JSON/Array.h>

#include "codec/signal_json.hpp"
#include "common/ids.hpp"
#include "privacy/privacy_codec.hpp"
#include "retention/payload_keys.hpp"
#include "store/database.hpp"
#include "store/pg_arrays.hpp"
#include "store/row_values.hpp"
#include "store/write_transaction.hpp"

namespace eenplan::service {
namespace {

std::string join(const std::vector<std::string>& parts) {
    std::string out;
    for (const std::string& p : parts) out += (out.empty() ? "" : ",") + p;
    return out;
}

std::vector<std::string> split(const std::string& text) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t end = std::min(text.find(',', at), text.size());
        out.push_back(text.substr(at, end - at));
        at = end + 1;
    }
    return out;
}

StoredConsent consent_of(const soci::row& row) {
    StoredConsent c;
    c.consent_id = row.get<std::string>(0);
    c.pupil_id = row.get<std::string>(1);
    c.document = parse_object(row.get<std::string>(2));
    c.recorded_by = row.get<std::string>(3);
    c.given_at_us = integer_at(row, 4);
    if (row.get_indicator(5) != soci::i_null) c.withdrawn_at_us = integer_at(row, 5);
    c.withdrawn_by = optional_text(row, 6);
    c.correlation_id = row.get<std::string>(7);
    return c;
}

constexpr const char* consent_columns =
    "consent_id, pupil_id, document, recorded_by, given_at_us, withdrawn_at_us, withdrawn_by, correlation_id";

// The root of a pupil record's merge forest, and every record on the way.
std::vector<std::string> chain_up(soci::session& sql, std::string id) {
    std::vector<std::string> chain;
    while (!id.empty() && chain.size() < 64 && std::find(chain.begin(), chain.end(), id) == chain.end()) {
        chain.push_back(id);
        std::string parent;
        soci::indicator ind = soci::i_null;
        sql << "SELECT merged_into FROM pupils WHERE pupil_id = :id", soci::use(id), soci::into(parent, ind);
        if (!sql.got_data() || ind == soci::i_null) break;
        id = parent;
    }
    return chain;
}

// A record and every record merged into it (downwards).
std::vector<std::string> tree_down(soci::session& sql, const std::string& root) {
    std::vector<std::string> out{root};
    for (std::size_t i = 0; i < out.size() && out.size() < 1024; ++i) {
        soci::rowset<std::string> rows =
            (sql.prepare << "SELECT pupil_id FROM pupils WHERE merged_into = :id", soci::use(out[i]));
        for (const std::string& child : rows) {
            if (std::find(out.begin(), out.end(), child) == out.end()) out.push_back(child);
        }
    }
    return out;
}

}  // namespace

policy::Consent StoredConsent::value() const {
    policy::Consent c = consent_from_json(consent_id, document);
    c.withdrawn_at_us = withdrawn_at_us;
    return c;
}

void PrivacyStore::put_activity(const std::string& id, const Poco::JSON::Object::Ptr& document, const std::string& by,
                                std::int64_t now_us) {
    const std::string text = to_text(document);
    const long long now = now_us;
    database_.with_session([&](soci::session& sql) {
        in_write_transaction(sql, database_.backend(), [&] {
            sql << "DELETE FROM processing_activities WHERE activity_id = :id", soci::use(id);
            sql << "INSERT INTO processing_activities (activity_id, document, changed_by, changed_at_us) "
                   "VALUES (:id, :doc, :by, :at)",
                soci::use(id), soci::use(text), soci::use(by), soci::use(now);
        });
    });
}

std::vector<Poco::JSON::Object::Ptr> PrivacyStore::activities() {
    return database_.with_session([&](soci::session& sql) {
        std::vector<Poco::JSON::Object::Ptr> out;
        soci::rowset<soci::row> rows =
            (sql.prepare << "SELECT document, changed_by, changed_at_us FROM processing_activities "
                            "ORDER BY activity_id");
        for (const soci::row& row : rows) {
            auto o = parse_object(row.get<std::string>(0));
            o->set("changed_by", row.get<std::string>(1));
            o->set("changed_at_us", static_cast<Poco::Int64>(integer_at(row, 2)));
            out.push_back(o);
        }
        return out;
    });
}

bool PrivacyStore::activity_exists(const std::string& id) {
    return database_.with_session([&](soci::session& sql) {
        std::string found;
        sql << "SELECT activity_id FROM processing_activities WHERE activity_id = :id", soci::use(id),
            soci::into(found);
        return sql.got_data();
    });
}

SeedOutcome PrivacyStore::seed_activity(const std::string& id, const Poco::JSON::Object::Ptr& document) {
    const std::string text = to_text(document);
    return database_.with_session([&](soci::session& sql) {
        return in_write_transaction(sql, database_.backend(), [&] {
            std::string stored;
            sql << "SELECT document FROM processing_activities WHERE activity_id = :id", soci::use(id),
                soci::into(stored);
            if (sql.got_data()) return stored == text ? SeedOutcome::unchanged : SeedOutcome::differs;
            const long long at = 0;
            const std::string by = "agreements-file";
            sql << "INSERT INTO processing_activities (activity_id, document, changed_by, changed_at_us) "
                   "VALUES (:id, :doc, :by, :at)",
                soci::use(id), soci::use(text), soci::use(by), soci::use(at);
            return SeedOutcome::inserted;
        });
    });
}

std::vector<StoredAgreement> PrivacyStore::agreements() {
    return database_.with_session([&](soci::session& sql) {
        std::vector<StoredAgreement> out;
        soci::rowset<soci::row> rows =
            (sql.prepare << "SELECT document, created_by, created_at_us FROM sharing_agreements "
                            "ORDER BY agreement_id, version");
        for (const soci::row& row : rows) {
            StoredAgreement a;
            a.document = parse_object(row.get<std::string>(0));
            a.agreement = agreement_from_json(a.document);
            a.created_by = row.get<std::string>(1);
            a.created_at_us = integer_at(row, 2);
            out.push_back(std::move(a));
        }
        return out;
    });
}

int PrivacyStore::add_agreement_version(Poco::JSON::Object::Ptr document, const std::string& by, std::int64_t now_us) {
    const std::string id = document->getValue<std::string>("id");
    const std::string from = document->getValue<std::string>("valid_from");
    const long long now = now_us;
    return database_.with_session([&](soci::session& sql) {
        return in_write_transaction(sql, database_.backend(), [&] {
            int last = 0;
            soci::indicator ind = soci::i_null;
            sql << "SELECT MAX(version) FROM sharing_agreements WHERE agreement_id = :id", soci::use(id),
                soci::into(last, ind);
            const int version = ind == soci::i_null ? 1 : last + 1;
            document->set("version", version);
            if (!document->has("revoked")) document->set("revoked", false);
            const std::string text = to_text(document);
            sql << "INSERT INTO sharing_agreements (agreement_id, version, valid_from, document, created_by, "
                   "created_at_us) VALUES (:id, :v, :from, :doc, :by, :at)",
                soci::use(id), soci::use(version), soci::use(from), soci::use(text), soci::use(by), soci::use(now);
            return version;
        });
    });
}

SeedOutcome PrivacyStore::seed_agreement(Poco::JSON::Object::Ptr document, std::int64_t now_us) {
    const std::string id = document->getValue<std::string>("id");
    const int version = document->getValue<int>("version");
    const std::string from = document->getValue<std::string>("valid_from");
    if (!document->has("revoked")) document->set("revoked", false);
    const std::string text = to_text(document);
    const long long now = now_us;
    return database_.with_session([&](soci::session& sql) {
        return in_write_transaction(sql, database_.backend(), [&] {
            std::string stored;
            sql << "SELECT document FROM sharing_agreements WHERE agreement_id = :id AND version = :v", soci::use(id),
                soci::use(version), soci::into(stored);
            if (sql.got_data()) return stored == text ? SeedOutcome::unchanged : SeedOutcome::differs;
            const std::string by = "agreements-file";
            sql << "INSERT INTO sharing_agreements (agreement_id, version, valid_from, document, created_by, "
                   "created_at_us) VALUES (:id, :v, :from, :doc, :by, :at)",
                soci::use(id), soci::use(version), soci::use(from), soci::use(text), soci::use(by), soci::use(now);
            return SeedOutcome::inserted;
        });
    });
}

std::string PrivacyStore::add_consent(const std::string& pupil_id, const Poco::JSON::Object::Ptr& document,
                                      const std::string& by, std::int64_t now_us, const std::string& correlation_id) {
    const std::string id = new_uuid();
    const std::string text = to_text(document);
    const long long now = now_us;
    database_.with_session([&](soci::session& sql) {
        sql << "INSERT INTO consents (consent_id, pupil_id, document, recorded_by, given_at_us, correlation_id) "
               "VALUES (:id, :p, :doc, :by, :at, :corr)",
            soci::use(id), soci::use(pupil_id), soci::use(text), soci::use(by), soci::use(now),
            soci::use(correlation_id);
    });
    return id;
}

WithdrawOutcome PrivacyStore::withdraw_consent(const std::string& consent_id, const std::string& by,
                                               std::int64_t now_us) {
    const long long now = now_us;
    return database_.with_session([&](soci::session& sql) {
        return in_write_transaction(sql, database_.backend(), [&] {
            long long withdrawn = 0;
            soci::indicator ind = soci::i_null;
            sql << "SELECT withdrawn_at_us FROM consents WHERE consent_id = :id", soci::use(consent_id),
                soci::into(withdrawn, ind);
            if (!sql.got_data()) return WithdrawOutcome::not_found;
            if (ind != soci::i_null) return WithdrawOutcome::already;
            sql << "UPDATE consents SET withdrawn_at_us = :at, withdrawn_by = :by WHERE consent_id = :id",
                soci::use(now), soci::use(by), soci::use(consent_id);
            return WithdrawOutcome::done;
        });
    });
}

std::optional<StoredConsent> PrivacyStore::consent(const std::string& consent_id) {
    return database_.with_session([&](soci::session& sql) -> std::optional<StoredConsent> {
        soci::rowset<soci::row> rows =
            (sql.prepare << std::string("SELECT ") + consent_columns + " FROM consents WHERE consent_id = :id",
             soci::use(consent_id));
        for (const soci::row& row : rows) return consent_of(row);
        return std::nullopt;
    });
}

std::vector<StoredConsent> PrivacyStore::consents_of(const std::vector<std::string>& pupil_ids) {
    return database_.with_session([&](soci::session& sql) {
        std::vector<StoredConsent> out;
        for (const std::string& pupil : pupil_ids) {
            soci::rowset<soci::row> rows =
                (sql.prepare << std::string("SELECT ") + consent_columns +
                                    " FROM consents WHERE pupil_id = :p ORDER BY given_at_us, consent_id",
                 soci::use(pupil));
            for (const soci::row& row : rows) out.push_back(consent_of(row));
        }
        return out;
    });
}

bool PrivacyStore::apply_consent_signal(const std::string& signal_id) {
    return database_.with_session([&](soci::session& sql) {
        std::string source, type, envelope, correlation, pupil;
        long long received = 0;
        sql << "SELECT source_id, type, envelope, correlation_id, received_at_us FROM signals WHERE signal_id = :s",
            soci::use(signal_id), soci::into(source), soci::into(type), soci::into(envelope), soci::into(correlation),
            soci::into(received);
        if (!sql.got_data() || (type != "consent.given" && type != "consent.withdrawn")) return false;
        const auto opened = open_payload(sql, "signals", signal_id, "envelope", envelope);
        if (!opened) return false;
        const auto signal = signal_json::from_envelope(*opened);
        if (!signal) return false;
        const std::string by = "signal:" + source;
        if (const auto* withdrawn = std::get_if<ConsentWithdrawn>(&signal->data)) {
            sql << "UPDATE consents SET withdrawn_at_us = :at, withdrawn_by = :by WHERE source_id = :s AND "
                   "source_reference = :r AND withdrawn_at_us IS NULL",
                soci::use(received), soci::use(by), soci::use(source), soci::use(withdrawn->reference);
            return true;
        }
        const auto& given = std::get<ConsentGiven>(signal->data);
        sql << "SELECT pupil_id FROM signal_links WHERE signal_id = :s", soci::use(signal_id), soci::into(pupil);
        if (!sql.got_data()) return false;
        std::string known;
        sql << "SELECT consent_id FROM consents WHERE signal_id = :s", soci::use(signal_id), soci::into(known);
        if (sql.got_data()) return true;
        Poco::JSON::Object::Ptr document = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        document->set("pupil", pupil);
        document->set("purpose", given.purpose);
        if (given.recipient_kind) document->set("recipient_kind", *given.recipient_kind);
        Poco::JSON::Array::Ptr categories = new Poco::JSON::Array;
        for (const std::string& c : given.categories) categories->add(c);
        document->set("categories", categories);
        document->set("valid_from", routeboek::format_day(given.valid_from));
        if (given.valid_until) document->set("valid_until", routeboek::format_day(*given.valid_until));
        Poco::JSON::Array::Ptr grantors = new Poco::JSON::Array;
        for (const std::string& g : given.given_by) grantors->add(g);
        document->set("given_by", grantors);
        document->set("age_band", given.age_band);
        const std::string id = new_uuid(), text = to_text(document);
        sql << "INSERT INTO consents (consent_id, pupil_id, document, recorded_by, given_at_us, correlation_id, "
               "signal_id, source_id, source_reference) VALUES (:id, :p, :doc, :by, :at, :corr, :sig, :src, :ref)",
            soci::use(id), soci::use(pupil), soci::use(text), soci::use(by), soci::use(received),
            soci::use(correlation), soci::use(signal_id), soci::use(source), soci::use(given.reference);
        return true;
    });
}

int PrivacyStore::apply_consent_signals() {
    const std::vector<std::string> ids = database_.with_session([&](soci::session& sql) {
        soci::rowset<std::string> rows =
            (sql.prepare << "SELECT signal_id FROM signals WHERE type IN ('consent.given', 'consent.withdrawn') "
                            "ORDER BY received_at_us, signal_id");
        return std::vector<std::string>(rows.begin(), rows.end());
    });
    for (const std::string& id : ids) apply_consent_signal(id);
    return static_cast<int>(ids.size());
}

bool PrivacyStore::pupil_exists(const std::string& pupil_id) {
    return database_.with_session([&](soci::session& sql) {
        std::string found;
        sql << "SELECT pupil_id FROM pupils WHERE pupil_id = :id", soci::use(pupil_id), soci::into(found);
        return sql.got_data();
    });
}

std::vector<std::string> PrivacyStore::pupil_chain_of_pseudonym(const std::string& pseudonym) {
    return database_.with_session([&](soci::session& sql) {
        std::string pupil;
        sql << "SELECT pupil_id FROM pupil_identifiers WHERE pseudonym = :p", soci::use(pseudonym), soci::into(pupil);
        if (!sql.got_data()) return std::vector<std::string>{};
        return chain_up(sql, pupil);
    });
}

std::vector<std::string> PrivacyStore::subject_pupils(const std::string& id, bool& is_family) {
    return database_.with_session([&](soci::session& sql) {
        std::string found;
        sql << "SELECT pupil_id FROM pupils WHERE pupil_id = :id", soci::use(id), soci::into(found);
        if (sql.got_data()) {
            is_family = false;
            return tree_down(sql, chain_up(sql, id).back());
        }
        sql << "SELECT family_id FROM families WHERE family_id = :id", soci::use(id), soci::into(found);
        if (!sql.got_data()) return std::vector<std::string>{};
        is_family = true;
        std::vector<std::string> out;
        soci::rowset<std::string> rows = (sql.prepare << "SELECT pupil_id FROM pupils WHERE family_id = :f "
                                                         "ORDER BY created_at_us, pupil_id",
                                          soci::use(id));
        std::vector<std::string> members(rows.begin(), rows.end());
        for (const std::string& m : members) {
            for (const std::string& p : tree_down(sql, m)) {
                if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
            }
        }
        return out;
    });
}

std::optional<TaskSubject> PrivacyStore::task(const std::string& task_id) {
    return database_.with_session([&](soci::session& sql) -> std::optional<TaskSubject> {
        TaskSubject t;
        sql << "SELECT subject_pseudonym, type FROM tasks WHERE task_id = :id", soci::use(task_id),
            soci::into(t.subject_pseudonym), soci::into(t.type);
        if (!sql.got_data()) return std::nullopt;
        return t;
    });
}

std::map<std::string, TaskPupil> PrivacyStore::task_pupils(const std::vector<std::string>& task_ids) {
    if (task_ids.empty()) return {};
    const Backend backend = database_.backend();
    return database_.with_session([&](soci::session& sql) {
        std::map<std::string, TaskPupil> out;
        if (backend == Backend::sqlite) {
            // Function calls, not round trips: the same reads as one task at a time.
            for (const std::string& task_id : task_ids) {
                std::string subject, pupil;
                sql << "SELECT subject_pseudonym FROM tasks WHERE task_id = :id", soci::use(task_id),
                    soci::into(subject);
                if (!sql.got_data()) continue;
                TaskPupil& found = out[task_id];
                sql << "SELECT pupil_id FROM pupil_identifiers WHERE pseudonym = :p", soci::use(subject),
                    soci::into(pupil);
                if (!sql.got_data()) continue;
                found.chain = chain_up(sql, pupil);
                for (const std::string& id : found.chain) {
                    soci::rowset<soci::row> rows =
                        (sql.prepare << std::string("SELECT ") + consent_columns +
                                            " FROM consents WHERE pupil_id = :p ORDER BY given_at_us, consent_id",
                         soci::use(id));
                    for (const soci::row& row : rows) found.consents.push_back(consent_of(row));
                }
            }
            return out;
        }
        // PostgreSQL: the tasks' records at once, then their merges one level at a time (a record
        // is rarely merged at all), then every consent of every record involved.
        const auto n = task_ids.size();
        std::vector<std::string> tasks(n), pupils(n);
        std::vector<soci::indicator> pupil_ind(n);
        const std::string ids = pg_text_array(task_ids);
        sql << "SELECT t.task_id, i.pupil_id FROM tasks t LEFT JOIN pupil_identifiers i "
               "ON i.pseudonym = t.subject_pseudonym WHERE t.task_id = ANY(CAST(:ids AS text[]))",
            soci::use(ids), soci::into(tasks), soci::into(pupils, pupil_ind);
        std::map<std::string, std::string> merged_into;  // "" for a record not merged (or not found)
        std::vector<std::string> frontier;
        for (std::size_t i = 0; i < tasks.size(); ++i) {
            out[tasks[i]];
            if (pupil_ind[i] == soci::i_ok && merged_into.try_emplace(pupils[i]).second) frontier.push_back(pupils[i]);
        }
        for (int level = 0; level < 64 && !frontier.empty(); ++level) {
            std::vector<std::string> ids_found(frontier.size()), parents(frontier.size());
            std::vector<soci::indicator> parent_ind(frontier.size());
            const std::string level_ids = pg_text_array(frontier);
            sql << "SELECT pupil_id, merged_into FROM pupils WHERE pupil_id = ANY(CAST(:ids AS text[]))",
                soci::use(level_ids), soci::into(ids_found), soci::into(parents, parent_ind);
            frontier.clear();
            for (std::size_t i = 0; i < ids_found.size(); ++i) {
                if (parent_ind[i] != soci::i_ok) continue;
                merged_into[ids_found[i]] = parents[i];
                if (merged_into.try_emplace(parents[i]).second) frontier.push_back(parents[i]);
            }
        }
        std::map<std::string, std::vector<StoredConsent>> consents;
        if (!merged_into.empty()) {
            std::vector<std::string> all;
            for (const auto& [pupil, parent] : merged_into) all.push_back(pupil);
            const std::string all_ids = pg_text_array(all);
            soci::rowset<soci::row> rows =
                (sql.prepare << std::string("SELECT ") + consent_columns +
                                    " FROM consents WHERE pupil_id = ANY(CAST(:ids AS text[])) "
                                    "ORDER BY given_at_us, consent_id",
                 soci::use(all_ids));
            for (const soci::row& row : rows) {
                StoredConsent c = consent_of(row);
                consents[c.pupil_id].push_back(std::move(c));
            }
        }
        for (std::size_t i = 0; i < tasks.size(); ++i) {
            if (pupil_ind[i] != soci::i_ok) continue;
            TaskPupil& found = out[tasks[i]];
            // As chain_up: the record, then what it was merged into, without going round a cycle.
            for (std::string id = pupils[i];
                 !id.empty() && found.chain.size() < 64 &&
                 std::find(found.chain.begin(), found.chain.end(), id) == found.chain.end();) {
                found.chain.push_back(id);
                const auto parent = merged_into.find(id);
                id = parent == merged_into.end() ? std::string() : parent->second;
            }
            for (const std::string& id : found.chain) {
                if (const auto c = consents.find(id); c != consents.end())
                    found.consents.insert(found.consents.end(), c->second.begin(), c->second.end());
            }
        }
        return out;
    });
}

void PrivacyStore::insert_disclosures(soci::session& sql, Backend backend,
                                      const std::vector<DisclosureRecord>& records) {
    if (backend == Backend::sqlite || records.size() == 1) {
        for (const DisclosureRecord& d : records) insert_disclosure(sql, d);
        return;
    }
    std::vector<std::string> ids, deliveries, tasks, types, recipients, agreements, bases, activities, purposes,
        categories, correlations;
    std::vector<std::optional<std::string>> pupils, articles, consents;
    std::vector<int> versions;
    std::vector<long long> at;
    for (const DisclosureRecord& d : records) {
        ids.push_back(d.disclosure_id);
        deliveries.push_back(d.delivery_id);
        tasks.push_back(d.task_id);
        types.push_back(d.task_type);
        recipients.push_back(d.recipient_id);
        pupils.push_back(d.pupil_id);
        agreements.push_back(d.agreement_id);
        versions.push_back(d.agreement_version);
        bases.push_back(d.legal_basis);
        articles.push_back(d.basis_article);
        activities.push_back(d.processing_activity);
        purposes.push_back(d.purpose);
        consents.push_back(d.consent_id);
        categories.push_back(join(d.categories));
        at.push_back(d.disclosed_at_us);
        correlations.push_back(d.correlation_id);
    }
    const std::string ids_a = pg_text_array(ids), deliveries_a = pg_text_array(deliveries),
                      tasks_a = pg_text_array(tasks), types_a = pg_text_array(types),
                      recipients_a = pg_text_array(recipients), pupils_a = pg_text_array(pupils),
                      agreements_a = pg_text_array(agreements), versions_a = pg_number_array(versions),
                      bases_a = pg_text_array(bases), articles_a = pg_text_array(articles),
                      activities_a = pg_text_array(activities), purposes_a = pg_text_array(purposes),
                      consents_a = pg_text_array(consents), categories_a = pg_text_array(categories),
                      at_a = pg_number_array(at), correlations_a = pg_text_array(correlations);
    sql << "INSERT INTO disclosures (disclosure_id, delivery_id, task_id, task_type, recipient_id, pupil_id, "
           "agreement_id, agreement_version, legal_basis, basis_article, processing_activity, purpose, consent_id, "
           "categories, disclosed_at_us, correlation_id) SELECT * FROM unnest(CAST(:ids AS text[]), "
           "CAST(:del AS text[]), CAST(:task AS text[]), CAST(:type AS text[]), CAST(:rcp AS text[]), "
           "CAST(:pupil AS text[]), CAST(:agr AS text[]), CAST(:ver AS integer[]), CAST(:basis AS text[]), "
           "CAST(:art AS text[]), CAST(:act AS text[]), CAST(:purpose AS text[]), CAST(:consent AS text[]), "
           "CAST(:cats AS text[]), CAST(:at AS bigint[]), CAST(:corr AS text[]))",
        soci::use(ids_a), soci::use(deliveries_a), soci::use(tasks_a), soci::use(types_a), soci::use(recipients_a),
        soci::use(pupils_a), soci::use(agreements_a), soci::use(versions_a), soci::use(bases_a), soci::use(articles_a),
        soci::use(activities_a), soci::use(purposes_a), soci::use(consents_a), soci::use(categories_a), soci::use(at_a),
        soci::use(correlations_a);
}

void PrivacyStore::insert_disclosure(soci::session& sql, const DisclosureRecord& d) {
    soci::indicator pupil_ind = d.pupil_id ? soci::i_ok : soci::i_null;
    soci::indicator article_ind = d.basis_article ? soci::i_ok : soci::i_null;
    soci::indicator consent_ind = d.consent_id ? soci::i_ok : soci::i_null;
    const std::string pupil = d.pupil_id.value_or(""), article = d.basis_article.value_or(""),
                      consent = d.consent_id.value_or(""), categories = join(d.categories);
    const long long at = d.disclosed_at_us;
    sql << "INSERT INTO disclosures (disclosure_id, delivery_id, task_id, task_type, recipient_id, pupil_id, "
           "agreement_id, agreement_version, legal_basis, basis_article, processing_activity, purpose, consent_id, "
           "categories, disclosed_at_us, correlation_id) VALUES (:id, :del, :task, :type, :rcp, :pupil, :agr, :ver, "
           ":basis, :art, :act, :purpose, :consent, :cats, :at, :corr)",
        soci::use(d.disclosure_id), soci::use(d.delivery_id), soci::use(d.task_id), soci::use(d.task_type),
        soci::use(d.recipient_id), soci::use(pupil, pupil_ind), soci::use(d.agreement_id),
        soci::use(d.agreement_version), soci::use(d.legal_basis), soci::use(article, article_ind),
        soci::use(d.processing_activity), soci::use(d.purpose), soci::use(consent, consent_ind), soci::use(categories),
        soci::use(at), soci::use(d.correlation_id);
}

std::vector<DisclosureRecord> PrivacyStore::disclosures(const DisclosureFilter& filter) {
    return database_.with_session([&](soci::session& sql) {
        std::vector<DisclosureRecord> out;
        const long long from = filter.from_us, until = filter.until_us;
        const std::string columns =
            "SELECT disclosure_id, delivery_id, task_id, task_type, recipient_id, pupil_id, agreement_id, "
            "agreement_version, legal_basis, basis_article, processing_activity, purpose, consent_id, categories, "
            "disclosed_at_us, correlation_id FROM disclosures WHERE disclosed_at_us >= :from AND disclosed_at_us < "
            ":until AND (:rcp = '' OR recipient_id = :rcp2)";
        const std::string order = " ORDER BY disclosed_at_us, disclosure_id LIMIT :lim";
        auto read = [&](soci::rowset<soci::row>& rows) {
            for (const soci::row& row : rows) {
                DisclosureRecord d;
                d.disclosure_id = row.get<std::string>(0);
                d.delivery_id = row.get<std::string>(1);
                d.task_id = row.get<std::string>(2);
                d.task_type = row.get<std::string>(3);
                d.recipient_id = row.get<std::string>(4);
                d.pupil_id = optional_text(row, 5);
                d.agreement_id = row.get<std::string>(6);
                d.agreement_version = static_cast<int>(integer_at(row, 7));
                d.legal_basis = row.get<std::string>(8);
                d.basis_article = optional_text(row, 9);
                d.processing_activity = row.get<std::string>(10);
                d.purpose = row.get<std::string>(11);
                d.consent_id = optional_text(row, 12);
                d.categories = split(row.get<std::string>(13));
                d.disclosed_at_us = integer_at(row, 14);
                d.correlation_id = row.get<std::string>(15);
                out.push_back(std::move(d));
            }
        };
        if (filter.pupil_ids.empty()) {
            soci::rowset<soci::row> rows =
                (sql.prepare << columns + order, soci::use(from), soci::use(until), soci::use(filter.recipient),
                 soci::use(filter.recipient), soci::use(filter.limit));
            read(rows);
        } else {
            for (const std::string& pupil : filter.pupil_ids) {
                soci::rowset<soci::row> rows = (sql.prepare << columns + " AND pupil_id = :p" + order, soci::use(from),
                                                soci::use(until), soci::use(filter.recipient),
                                                soci::use(filter.recipient), soci::use(pupil), soci::use(filter.limit));
                read(rows);
            }
            std::sort(out.begin(), out.end(), [](const DisclosureRecord& a, const DisclosureRecord& b) {
                return a.disclosed_at_us < b.disclosed_at_us;
            });
            if (out.size() > static_cast<std::size_t>(filter.limit)) out.resize(static_cast<std::size_t>(filter.limit));
        }
        return out;
    });
}

Poco::JSON::Object::Ptr PrivacyStore::holdings(const std::vector<std::string>& pupil_ids) {
    return database_.with_session([&](soci::session& sql) {
        Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        Poco::JSON::Array::Ptr records = new Poco::JSON::Array, signals = new Poco::JSON::Array,
                               tasks = new Poco::JSON::Array, families = new Poco::JSON::Array,
                               plans = new Poco::JSON::Array;
        std::vector<std::string> family_ids;
        for (const std::string& pupil : pupil_ids) {
            soci::rowset<soci::row> rows =
                (sql.prepare
                     << "SELECT pupil_id, created_at_us, merged_into, family_id FROM pupils WHERE pupil_id = :p",
                 soci::use(pupil));
            for (const soci::row& row : rows) {
                Poco::JSON::Object::Ptr r = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
                r->set("pupil_id", row.get<std::string>(0));
                r->set("created_at_us", static_cast<Poco::Int64>(integer_at(row, 1)));
                if (auto m = optional_text(row, 2)) r->set("merged_into", *m);
                if (auto f = optional_text(row, 3)) {
                    r->set("family_id", *f);
                    if (std::find(family_ids.begin(), family_ids.end(), *f) == family_ids.end())
                        family_ids.push_back(*f);
                }
                Poco::JSON::Array::Ptr kinds = new Poco::JSON::Array;
                soci::rowset<std::string> k =
                    (sql.prepare << "SELECT kind FROM pupil_identifiers WHERE pupil_id = :p ORDER BY added_at_us",
                     soci::use(pupil));
                for (const std::string& kind : k) kinds->add(kind);
                r->set("identifier_kinds", kinds);
                records->add(r);
            }
            soci::rowset<soci::row> sig =
                (sql.prepare << "SELECT s.signal_id, s.type, s.source_id, s.occurred_at, s.received_at_us, "
                                "s.correlation_id, l.rule FROM signal_links l JOIN signals s ON s.signal_id = "
                                "l.signal_id WHERE l.pupil_id = :p ORDER BY s.received_at_us",
                 soci::use(pupil));
            for (const soci::row& row : sig) {
                Poco::JSON::Object::Ptr s = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
                s->set("signal_id", row.get<std::string>(0));
                s->set("type", row.get<std::string>(1));
                s->set("source_id", row.get<std::string>(2));
                s->set("occurred_at", row.get<std::string>(3));
                s->set("received_at_us", static_cast<Poco::Int64>(integer_at(row, 4)));
                s->set("correlation_id", row.get<std::string>(5));
                s->set("linked_by_rule", row.get<std::string>(6));
                signals->add(s);
            }
            soci::rowset<soci::row> t =
                (sql.prepare << "SELECT t.task_id, t.type, t.recipient_id, t.due_date, t.created_by, t.created_at_us, "
                                "d.delivery_id, d.state FROM pupil_identifiers i JOIN tasks t ON t.subject_pseudonym = "
                                "i.pseudonym LEFT JOIN deliveries d ON d.task_id = t.task_id WHERE i.pupil_id = :p "
                                "ORDER BY t.created_at_us",
                 soci::use(pupil));
            for (const soci::row& row : t) {
                Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
                o->set("task_id", row.get<std::string>(0));
                o->set("type", row.get<std::string>(1));
                o->set("recipient_id", row.get<std::string>(2));
                o->set("due_date", row.get<std::string>(3));
                o->set("created_by", row.get<std::string>(4));
                o->set("created_at_us", static_cast<Poco::Int64>(integer_at(row, 5)));
                if (auto d = optional_text(row, 6)) o->set("delivery_id", *d);
                if (auto s = optional_text(row, 7)) o->set("delivery_state", *s);
                tasks->add(o);
            }
        }
        for (const std::string& family : family_ids) {
            Poco::JSON::Object::Ptr f = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
            f->set("family_id", family);
            int parents = 0;
            sql << "SELECT COUNT(*) FROM family_parents WHERE family_id = :f", soci::use(family), soci::into(parents);
            f->set("parent_identifiers", parents);
            families->add(f);
            soci::rowset<soci::row> p =
                (sql.prepare
                     << "SELECT state, table_id, escalated_since, updated_at_us FROM plans WHERE family_id = :f",
                 soci::use(family));
            for (const soci::row& row : p) {
                Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
                o->set("family_id", family);
                // The plan's JSON under its payload key; an erased family's does not open.
                const auto state = open_payload(sql, "plans", family, "state", row.get<std::string>(0));
                o->set("state", state ? *state : std::string());
                if (auto v = optional_text(row, 1)) o->set("table_id", *v);
                if (auto v = optional_text(row, 2)) o->set("escalated_since", *v);
                o->set("updated_at_us", static_cast<Poco::Int64>(integer_at(row, 3)));
                int decisions = 0;
                sql << "SELECT COUNT(*) FROM plan_decisions WHERE family_id = :f AND entry = 'decision'",
                    soci::use(family), soci::into(decisions);
                o->set("decisions", decisions);
                plans->add(o);
            }
        }
        out->set("records", records);
        out->set("families", families);
        out->set("plans", plans);
        out->set("tasks", tasks);
        out->set("signals", signals);
        return out;
    });
}

}  // namespace eenplan::service
