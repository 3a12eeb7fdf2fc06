#include "record/record_keeper.hpp"
#include "observability/metrics.hpp"
#include "store/signal_store.hpp"
#include "store/batch_sql.hpp"
#include "store/database.hpp"
#include "store/pg_arrays.hpp"
#include "store/pg_prepared.hpp"

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>
#include <array>
#include <unordered_map>
#include <unordered_set>

#include <Poco/JSON/Array.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sqlite3.h>
#include <Poco/JSON/Object.h>

#include "eenplan/core/linkage/dice.hpp"
#include "eenplan/core/record/pupil_linking.hpp"
#include "record/family_store.hpp"
#include "record/pupil_store.hpp"
#include "retention/payload_keys.hpp"
#include "store/write_transaction.hpp"

namespace eenplan::service {

// The rows a PostgreSQL batch writes, kept until it writes each table's rows in one multi-row
// statement (flush): the batch's round trips then no longer grow with its signals. Only the common
// signal (identifiers, no household, no move) is filed this way; any signal that needs to read what
// the batch wrote before it (a merge, a household) flushes first.
// A row the batch meant to insert was stored meanwhile by another writer.
struct StoredMeanwhile : std::runtime_error {
    StoredMeanwhile() : std::runtime_error("a signal of the batch was stored meanwhile") {}
};

struct BatchRows {
    struct Signal {
        const NewSignal* signal;
        std::string envelope;  // sealed
    };
    std::vector<Signal> signals;
    std::vector<std::array<std::string, 3>> pupils;  // pupil_id, created_at_us, created_by_signal
    // pseudonym, kind, pupil_id, signal_id, added_at_us, polymorphic (empty: none, stored as NULL)
    std::vector<std::array<std::string, 6>> identifiers;
    std::vector<std::array<std::string, 5>> links;    // signal_id, pupil_id, rule, evidence, linked_at_us
    std::vector<std::array<std::string, 3>> keys;     // owner, wrapped, created_at_us
    std::unordered_map<std::string, Bytes> new_keys;  // by owner: keys made by this batch, or read with it

    // Opens the batch's transaction, before anything is written other than through these rows (a
    // merge, a household, a stored encoding). A batch that needs none writes its rows in one
    // statement (write_all), which commits on its own.
    std::function<void()> begin;

    // The rows in a few multi-row statements, inside the batch's transaction.
    void flush(soci::session& sql);
    // Every row in ONE statement (data-modifying CTEs): one round trip, atomic by itself. Throws a
    // soci_error, having written nothing, when a signal of the batch was stored meanwhile.
    void write_all(soci::session& sql);
};

// The owners of the identifiers a batch carries, read in one query before its first signal, and
// kept current while the batch files its signals (an identifier added, a record created), so that
// linking a batch costs no lookup per signal. A miss means "not stored" only for values the batch
// asked for; anything else is read from the store. Roots are cached for records that were roots
// when read or were created by this batch, and dropped after a merge.
class LinkLookups {
public:
    LinkLookups() = default;  // caches nothing: every lookup reads the store
    LinkLookups(soci::session& sql, const std::vector<BatchEntry*>& entries);

    std::optional<std::string> owner(soci::session& sql, const HubPseudonym& id) {
        if (auto found = owner_of(sql, id.pseudonym)) return found;
        for (const std::string& value : id.earlier) {
            if (auto found = owner_of(sql, value)) return found;
        }
        return std::nullopt;
    }
    std::string root(soci::session& sql, const std::string& pupil) {
        if (const auto it = roots_.find(pupil); it != roots_.end()) return it->second;
        return records::root_of(sql, pupil);
    }
    void added(const HubPseudonym& id, const std::string& pupil) { owners_[id.pseudonym] = pupil; }
    void created(const std::string& pupil) { roots_[pupil] = pupil; }
    void merged() { roots_.clear(); }
    [[nodiscard]] bool created_here(const std::string& pupil) const { return created_.contains(pupil); }
    void created_by_batch(const std::string& pupil) { created_.insert(pupil); }

    // PostgreSQL: what the batch's one query read (read_batch) about the owners of its identifiers.
    void found(const std::string& pseudonym, const std::optional<std::string>& pupil, bool root) {
        owners_[pseudonym] = pupil;
        if (pupil && root) roots_[*pupil] = *pupil;
    }
    void expect(const std::string& pseudonym) { owners_.emplace(pseudonym, std::nullopt); }
    // The wrapped payload key of a record that held an identifier of the batch, when it was read.
    std::unordered_map<std::string, std::string> wrapped_keys;  // by pupil id

    BatchRows* rows = nullptr;  // set: writes wait in these rows (PostgreSQL batches)

private:
    std::optional<std::string> owner_of(soci::session& sql, const std::string& value) {
        if (const auto it = owners_.find(value); it != owners_.end()) return it->second;
        return records::identifier_owner(sql, value);
    }

    std::unordered_map<std::string, std::optional<std::string>> owners_;
    std::unordered_map<std::string, std::string> roots_;
    std::unordered_set<std::string> created_;
};

namespace {

// The rows of one table of a BatchRows as store/batch_sql.hpp takes them; with `last_nullable`, an
// empty last value is NULL.
template <std::size_t N>
std::vector<CellRow> cells(const std::vector<std::array<std::string, N>>& rows, bool last_nullable = false) {
    std::vector<CellRow> out;
    out.reserve(rows.size());
    for (const auto& row : rows) {
        CellRow& cells = out.emplace_back(row.begin(), row.end());
        if (last_nullable && row[N - 1].empty()) cells[N - 1] = std::nullopt;
    }
    return out;
}

void collect(const std::vector<HubPseudonym>& ids, std::vector<std::string>& values) {
    for (const HubPseudonym& id : ids) {
        values.push_back(id.pseudonym);
        values.insert(values.end(), id.earlier.begin(), id.earlier.end());
    }
}

// Every identifier pseudonym of `entries` (their household members' too), sorted, once each.
std::vector<std::string> identifier_values(const std::vector<BatchEntry*>& entries) {
    std::vector<std::string> values;
    for (const BatchEntry* entry : entries) {
        collect(entry->input->identifiers, values);
        if (entry->input->household) {
            for (const HouseholdMember& member : entry->input->household->members) collect(member.identifiers, values);
        }
    }
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    return values;
}

}  // namespace

LinkLookups::LinkLookups(soci::session& sql, const std::vector<BatchEntry*>& entries) {
    const std::vector<std::string> values = identifier_values(entries);
    if (values.empty()) return;
    for (const std::string& value : values) owners_.emplace(value, std::nullopt);
    std::vector<std::string> pupils;
    select_in(sql, "SELECT pseudonym, pupil_id FROM pupil_identifiers WHERE pseudonym", 2, values, {},
              [&](const CellRow& row) {
                  owners_[*row[0]] = row[1];
                  if (row[1]) pupils.push_back(*row[1]);
              });
    std::sort(pupils.begin(), pupils.end());
    pupils.erase(std::unique(pupils.begin(), pupils.end()), pupils.end());
    select_in(sql, "SELECT pupil_id, merged_into FROM pupils WHERE pupil_id", 2, pupils, {}, [&](const CellRow& row) {
        if (!row[1]) roots_[*row[0]] = *row[0];
    });
}

// Signals first, so that a (source, webhook-id) another instance stored meanwhile shows before
// anything of it: ON CONFLICT leaves such a row out, and the batch runs again row by row.
void BatchRows::flush(soci::session& sql) {
    if (!signals.empty()) {
        std::vector<CellRow> rows;
        rows.reserve(signals.size());
        for (const Signal& s : signals) {
            const NewSignal& n = *s.signal;
            // NULL for a school without BRIN or gemeentecode, as insert_signal stores it.
            rows.push_back({n.ids.signal_id, n.source_id, n.webhook_id, n.ids.correlation_id, n.type, n.occurred_at,
                            std::to_string(n.received_at_us), n.subject_kind, n.subject_pseudonym, n.school_brin,
                            n.school_gemeentecode, s.envelope});
        }
        const long long inserted =
            insert_rows(sql, "signals",
                        "signal_id text, source_id text, webhook_id text, correlation_id text, type text, "
                        "occurred_at text, received_at_us bigint, subject_kind text, subject_pseudonym text, "
                        "school_brin text, school_gemeentecode text, envelope text",
                        rows, "ON CONFLICT (source_id, webhook_id) DO NOTHING");
        if (static_cast<std::size_t>(inserted) != rows.size()) throw StoredMeanwhile();
    }
    insert_rows(sql, "pupils", "pupil_id text, created_at_us bigint, created_by_signal text", cells(pupils));
    insert_rows(sql, "pupil_identifiers",
                "pseudonym text, kind text, pupil_id text, signal_id text, added_at_us bigint, polymorphic text",
                cells(identifiers, true));
    insert_rows(sql, "signal_links", "signal_id text, pupil_id text, rule text, evidence text, linked_at_us bigint",
                cells(links));
    insert_rows(sql, "payload_keys", "owner text, wrapped text, created_at_us bigint", cells(keys));
    signals.clear();
    pupils.clear();
    identifiers.clear();
    links.clear();
    keys.clear();
}

namespace {

// Every row of a batch in one statement, its tables' columns as array parameters, so one text
// serves every batch and the server parses it once per connection. A signal another writer stored
// meanwhile is left out by ON CONFLICT; then the division by zero fails the whole statement, so
// that none of that signal's other rows is stored without it.
constexpr PgStatement write_batch_statement{
    "eenplan_ingest_write",
    "WITH s AS (INSERT INTO signals (signal_id, source_id, webhook_id, correlation_id, type, occurred_at, "
    "received_at_us, subject_kind, subject_pseudonym, school_brin, school_gemeentecode, envelope) "
    "SELECT * FROM unnest(CAST($1 AS text[]), CAST($2 AS text[]), CAST($3 AS text[]), CAST($4 AS text[]), "
    "CAST($5 AS text[]), CAST($6 AS text[]), CAST($7 AS bigint[]), CAST($8 AS text[]), CAST($9 AS text[]), "
    "CAST($10 AS text[]), CAST($11 AS text[]), CAST($12 AS text[])) "
    "ON CONFLICT (source_id, webhook_id) DO NOTHING RETURNING 1), "
    "p AS (INSERT INTO pupils (pupil_id, created_at_us, created_by_signal) "
    "SELECT * FROM unnest(CAST($13 AS text[]), CAST($14 AS bigint[]), CAST($15 AS text[]))), "
    "i AS (INSERT INTO pupil_identifiers (pseudonym, kind, pupil_id, signal_id, added_at_us, polymorphic) "
    "SELECT * FROM unnest(CAST($16 AS text[]), CAST($17 AS text[]), CAST($18 AS text[]), CAST($19 AS text[]), "
    "CAST($20 AS bigint[]), CAST($21 AS text[]))), "
    "l AS (INSERT INTO signal_links (signal_id, pupil_id, rule, evidence, linked_at_us) "
    "SELECT * FROM unnest(CAST($22 AS text[]), CAST($23 AS text[]), CAST($24 AS text[]), CAST($25 AS text[]), "
    "CAST($26 AS bigint[]))), "
    "k AS (INSERT INTO payload_keys (owner, wrapped, created_at_us) "
    "SELECT * FROM unnest(CAST($27 AS text[]), CAST($28 AS text[]), CAST($29 AS bigint[]))) "
    "SELECT 1 / (CASE WHEN (SELECT COUNT(*) FROM s) = CAST($30 AS bigint) THEN 1 ELSE 0 END)"};

// One array literal per column of `rows`; with `last_nullable`, an empty last value is NULL.
template <std::size_t N>
void append_columns(std::vector<std::optional<std::string>>& parameters,
                    const std::vector<std::array<std::string, N>>& rows, bool last_nullable = false) {
    for (std::size_t c = 0; c < N; ++c) {
        std::vector<std::optional<std::string>> column;
        column.reserve(rows.size());
        for (const auto& row : rows) {
            if (last_nullable && c == N - 1 && row[c].empty()) {
                column.emplace_back(std::nullopt);
            } else {
                column.emplace_back(row[c]);
            }
        }
        parameters.emplace_back(pg_text_array(column));
    }
}

}  // namespace

void BatchRows::write_all(soci::session& sql) {
    if (signals.empty()) return;  // no signal, no row of it
    std::array<std::vector<std::optional<std::string>>, 12> columns;
    for (const Signal& signal : signals) {
        const NewSignal& n = *signal.signal;
        // NULL for a school without BRIN or gemeentecode, as insert_signal stores it.
        const std::optional<std::string> values[] = {n.ids.signal_id,
                                                     n.source_id,
                                                     n.webhook_id,
                                                     n.ids.correlation_id,
                                                     n.type,
                                                     n.occurred_at,
                                                     std::to_string(n.received_at_us),
                                                     n.subject_kind,
                                                     n.subject_pseudonym,
                                                     n.school_brin,
                                                     n.school_gemeentecode,
                                                     signal.envelope};
        for (std::size_t c = 0; c < columns.size(); ++c) columns[c].push_back(values[c]);
    }
    std::vector<std::optional<std::string>> parameters;
    for (const auto& column : columns) parameters.emplace_back(pg_text_array(column));
    append_columns(parameters, pupils);
    append_columns(parameters, identifiers, true);
    append_columns(parameters, links);
    append_columns(parameters, keys);
    parameters.emplace_back(std::to_string(signals.size()));
    execute_prepared(sql, write_batch_statement, parameters);
    signals.clear();
    pupils.clear();
    identifiers.clear();
    links.clear();
    keys.clear();
}

namespace {

using namespace records;

std::string to_json(const Poco::JSON::Object& object) {
    std::ostringstream out;
    object.stringify(out);
    return out.str();
}

std::string evidence_json(const linkage::Evidence& e) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("rule", e.rule);
    o.set("score", e.score);
    o.set("runner_up", e.runner_up);
    o.set("match_threshold", e.match_threshold);
    o.set("possible_threshold", e.possible_threshold);
    o.set("key_version", static_cast<int>(e.key_version));
    o.set("candidates", static_cast<int>(e.candidates));
    o.set("blocking_passes", static_cast<int>(e.blocking_passes));
    if (!e.fields.empty()) {
        // Per field of the best candidate: how it compared and what it weighed; no value.
        o.set("model", "fellegi_sunter");
        if (e.runner_up <= record::no_runner_up) o.set("runner_up", Poco::Dynamic::Var());
        Poco::JSON::Array::Ptr fields = new Poco::JSON::Array;
        for (const linkage::FieldEvidence& f : e.fields) {
            Poco::JSON::Object::Ptr field = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
            field->set("field", std::string(f.field));
            field->set("level", std::string(f.level));
            if (!f.pattern.empty()) field->set("pattern", std::string(f.pattern));
            field->set("weight", std::round(f.weight * 100) / 100);
            field->set("tf_adjustment", std::round(f.tf_adjustment * 100) / 100);
            field->set("similarity", std::round(f.similarity * 1000) / 1000);
            fields->add(field);
        }
        o.set("fields", fields);
    }
    return to_json(o);
}

struct LinkedPupil {
    std::string pupil;  // the record holding the strongest identifier
    std::string rule;
    std::vector<std::string> merges;
    std::vector<std::string> kinds;
};

class Linker {
public:
    Linker(soci::session& sql, Backend backend, const LinkageConfig& linkage, const TextSealer& sealer,
           const std::string& signal_id, std::int64_t now_us, LinkLookups& lookups)
        : sql_(sql),
          backend_(backend),
          linkage_(linkage),
          sealer_(sealer),
          signal_id_(signal_id),
          now_us_(now_us),
          lookups_(lookups) {}

    // Files the signal's identifiers on a record: found, created (when `create`), or merged when
    // they were known on several. Nothing when no identifier is known and `create` is false.
    std::optional<LinkedPupil> link_identifiers(const std::vector<HubPseudonym>& identifiers, bool create) {
        std::vector<record::IdentifierSighting> sightings;
        for (const HubPseudonym& id : identifiers) {
            record::IdentifierSighting s{id.kind, id.pseudonym, lookups_.owner(sql_, id), std::nullopt};
            if (s.known_on) s.known_root = lookups_.root(sql_, *s.known_on);
            sightings.push_back(std::move(s));
        }
        const record::LinkPlan plan = record::plan_deterministic_link(sightings);
        LinkedPupil linked;
        for (const HubPseudonym& id : identifiers) linked.kinds.push_back(id.kind);
        linked.rule = plan.rule;
        if (plan.action == record::LinkAction::create_pupil) {
            if (!create) return std::nullopt;
            linked.pupil = new_id();
            if (lookups_.rows != nullptr) {
                lookups_.rows->pupils.push_back({linked.pupil, std::to_string(now_us_), signal_id_});
            } else {
                create_pupil(sql_, linked.pupil, signal_id_, now_us_);
            }
            lookups_.created(linked.pupil);
            lookups_.created_by_batch(linked.pupil);
        } else {
            linked.pupil = *plan.pupil;
            if (!plan.to_merge.empty()) {
                // A merge reads the records: what the batch holds is written first.
                if (lookups_.rows != nullptr) {
                    lookups_.rows->begin();
                    lookups_.rows->flush(sql_);
                }
                // Roots are read again under the lock: another instance may have merged meanwhile.
                lock_for_transaction(sql_, backend_, merge_lock_key);
                lookups_.merged();
                for (const std::string& other : plan.to_merge) {
                    const std::string survivor = root_of(sql_, linked.pupil);
                    const std::string absorbed = root_of(sql_, other);
                    if (survivor == absorbed) continue;
                    linked.merges.push_back(
                        merge(sql_, sealer_,
                              {survivor, absorbed, "deterministic.shared_identifiers",
                               "one signal carried identifiers known on both records", "hub", signal_id_, std::nullopt},
                              now_us_));
                }
            }
        }
        for (const std::size_t i : plan.new_identifiers) {
            if (lookups_.rows != nullptr) {
                lookups_.rows->identifiers.push_back({identifiers[i].pseudonym, identifiers[i].kind, linked.pupil,
                                                      signal_id_, std::to_string(now_us_), identifiers[i].polymorphic});
            } else {
                add_identifier(sql_, identifiers[i], linked.pupil, signal_id_, now_us_);
            }
            lookups_.added(identifiers[i], linked.pupil);
        }
        return linked;
    }

    void link_signal_deterministically(const LinkedPupil& linked) {
        Poco::JSON::Object evidence(Poco::JSON_PRESERVE_KEY_ORDER);
        evidence.set("rule", linked.rule);
        Poco::JSON::Array::Ptr kinds = new Poco::JSON::Array;
        for (const auto& k : linked.kinds) kinds->add(k);
        evidence.set("identifiers", kinds);
        if (!linked.merges.empty()) {
            Poco::JSON::Array::Ptr merges = new Poco::JSON::Array;
            for (const auto& m : linked.merges) merges->add(m);
            evidence.set("merges", merges);
        }
        if (lookups_.rows != nullptr) {
            lookups_.rows->links.push_back(
                {signal_id_, linked.pupil, linked.rule, to_json(evidence), std::to_string(now_us_)});
        } else {
            link_signal(sql_, signal_id_, linked.pupil, linked.rule, std::nullopt, to_json(evidence), now_us_);
        }
    }

    // No usable number: the CLK against the stored encodings that share a blocking key.
    void link_probabilistically(const SubjectEncoding& encoding) {
        // Two instances seeing the same new child at once would both find no candidate and make
        // two records; holding the blocking keys serialises them.
        std::vector<long long> keys;
        for (std::size_t pass = 0; pass < linkage::blocking_passes; ++pass) {
            if (encoding.record.blocks.has(pass))
                keys.push_back(static_cast<long long>(encoding.record.blocks.keys[pass]));
        }
        std::sort(keys.begin(), keys.end());
        for (const long long key : keys) lock_for_transaction(sql_, backend_, key);

        const auto candidates = candidate_encodings(sql_, encoding.record.blocks, encoding.key_version);
        // Field-level encodings are compared per field (Fellegi–Sunter); encodings stored before
        // them only by CLK and Dice, which can open a review but never link on its own.
        std::vector<record::ScoredEncoding> by_fields, by_clk;
        std::map<std::string, std::string> roots;
        const linkage::TermCounts counts = encoding.record.fields.present()
                                               ? term_counts(sql_, encoding.record.fields, encoding.key_version)
                                               : linkage::TermCounts{};
        const linkage::FellegiSunterWeights weights = linkage::weights_of(linkage_.fellegi_sunter);
        for (const StoredEncoding& c : candidates) {
            auto root = roots.find(c.pupil_id);
            if (root == roots.end()) root = roots.emplace(c.pupil_id, root_of(sql_, c.pupil_id)).first;
            if (c.fields && encoding.record.fields.present()) {
                const linkage::FellegiSunterScore s = linkage::score(
                    linkage::compare(encoding.record.fields, *c.fields), linkage_.fellegi_sunter, weights, counts);
                by_fields.push_back({c.pupil_id, root->second, s.weight, c.passes, linkage::field_evidence(s)});
            } else {
                by_clk.push_back({c.pupil_id, root->second, linkage::dice(encoding.record.clk, c.clk), c.passes, {}});
            }
        }
        const linkage::Thresholds thresholds{linkage_.match_threshold, linkage_.possible_threshold,
                                             linkage::Thresholds{}.ambiguity_margin};
        record::ProbabilisticLink link =
            record::decide_field_level_link(by_fields, linkage_.fellegi_sunter, encoding.key_version);
        if (link.decision == linkage::Decision::no_match && !by_clk.empty()) {
            record::ProbabilisticLink legacy =
                record::decide_probabilistic_link(by_clk, thresholds, encoding.key_version);
            if (legacy.decision != linkage::Decision::no_match) {
                legacy.decision = linkage::Decision::possible_match;
                legacy.evidence.rule = std::string(linkage::pprl_rule_prefix) + "possible_without_fields";
                link = std::move(legacy);
            }
        }
        const std::string evidence = evidence_json(link.evidence);
        std::string pupil;
        if (link.decision == linkage::Decision::match) {
            pupil = *link.pupil;
        } else {
            pupil = new_id();
            create_pupil(sql_, pupil, signal_id_, now_us_);
        }
        link_signal(sql_, signal_id_, pupil, link.evidence.rule, link.evidence.score, evidence, now_us_);
        if (link.decision == linkage::Decision::possible_match) {
            const std::string review_id = new_id();
            const long long now = now_us_;
            double score = link.evidence.score;
            sql_ << "INSERT INTO link_reviews (review_id, signal_id, pupil_id, candidate_id, score, evidence, status, "
                    "created_at_us) VALUES (:r, :s, :p, :c, :sc, :e, 'open', :t)",
                soci::use(review_id), soci::use(signal_id_), soci::use(pupil), soci::use(*link.root), soci::use(score),
                soci::use(evidence), soci::use(now);
        }
        store_encoding(sql_, signal_id_, pupil, encoding, now_us_);
    }

    void file_household(const Household& household) {
        lock_for_transaction(sql_, backend_, family_lock_key);
        std::vector<std::string> children;
        std::vector<std::string> families;
        auto note = [&](const std::optional<std::string>& family) {
            if (family && std::find(families.begin(), families.end(), *family) == families.end())
                families.push_back(*family);
        };
        for (const HouseholdMember& member : household.members) {
            if (member.role == "child") {
                const auto linked = link_identifiers(member.identifiers, true);
                children.push_back(linked->pupil);
                note(family_of_record(sql_, record_nodes(sql_, root_of(sql_, linked->pupil))));
            } else {
                for (const HubPseudonym& id : member.identifiers) note(family_of_parent(sql_, id));
            }
        }
        std::string family;
        if (families.empty()) {
            family = new_id();
            create_family(sql_, family, signal_id_, now_us_);
        } else {
            family = oldest_family(sql_, families);
            for (const std::string& other : families) {
                if (other != family) join_family(sql_, other, family, signal_id_);
            }
        }
        for (const std::string& child : children) set_pupil_family(sql_, child, family);
        for (const HouseholdMember& member : household.members) {
            if (member.role == "child") continue;
            for (const HubPseudonym& id : member.identifiers)
                add_parent(sql_, family, id, member.role, signal_id_, now_us_);
        }
        add_registration(sql_, signal_id_, family, household, now_us_);
    }

private:
    soci::session& sql_;
    Backend backend_;
    const LinkageConfig& linkage_;
    const TextSealer& sealer_;
    const std::string& signal_id_;
    std::int64_t now_us_;
    LinkLookups& lookups_;
};

// True when an error during one signal of a batch is the batch's (the connection, or SQLite busy),
// not that signal's own.
bool batch_wide(soci::session& sql, Backend backend, const soci::soci_error& error) {
    if (!sql.is_connected() || error.get_error_category() == soci::soci_error::connection_error) return true;
    if (backend == Backend::sqlite) {
        const auto* e = dynamic_cast<const soci::sqlite3_soci_error*>(&error);
        return e != nullptr && (e->result() == SQLITE_BUSY || e->result() == SQLITE_LOCKED);
    }
    return false;
}

}  // namespace

Backend RecordKeeper::backend() const { return database_.backend(); }

namespace {

// PostgreSQL, in ONE query: the signals of `entries` stored before (by source and webhook-id), and
// the records holding their identifiers, whether each is a root, and its wrapped payload key (when
// the keys live in the main store). Fills `lookups` as LinkLookups(sql, entries) would. A prepared
// statement (store/pg_prepared.hpp): parsed once per connection, its values three arrays.
// Each array is read through a scalar subquery, whose length the planner does not know in a plan
// for the values at hand either: with a visible length (a batch of two rather than the ten a
// generic plan assumes), every plan for the values looked cheaper than the generic one, so the
// server planned the read at each run, 80 % of the read's time at peak. With equal estimates it
// keeps the generic plan: index lookups per entry, as before.
constexpr PgStatement read_batch_statement{
    "eenplan_ingest_read",
    "SELECT 0, s.source_id, s.webhook_id, s.signal_id, s.correlation_id "
    "FROM unnest((SELECT CAST($1 AS text[])), (SELECT CAST($2 AS text[]))) AS b(source_id, webhook_id) "
    "JOIN signals s ON s.source_id = b.source_id AND s.webhook_id = b.webhook_id "
    "UNION ALL SELECT 1, i.pseudonym, i.pupil_id, "
    "CASE WHEN p.pupil_id IS NOT NULL AND p.merged_into IS NULL THEN '1' END, "
    "CASE WHEN CAST($4 AS boolean) THEN k.wrapped END "
    "FROM pupil_identifiers i LEFT JOIN pupils p ON p.pupil_id = i.pupil_id "
    "LEFT JOIN payload_keys k ON k.owner = 'pupil/' || i.pupil_id "
    "WHERE i.pseudonym = ANY(CAST((SELECT CAST($3 AS text[])) AS text[]))"};

std::map<std::pair<std::string, std::string>, SignalIds> read_batch(soci::session& sql,
                                                                    const std::vector<BatchEntry*>& entries,
                                                                    LinkLookups& lookups, bool keys_here) {
    const std::vector<std::string> values = identifier_values(entries);
    std::vector<std::string> sources, webhooks;
    for (const BatchEntry* entry : entries) {
        sources.push_back(entry->signal->source_id);
        webhooks.push_back(entry->signal->webhook_id);
    }
    for (const std::string& value : values) lookups.expect(value);
    const PgRows rows = execute_prepared(
        sql, read_batch_statement,
        {pg_text_array(sources), pg_text_array(webhooks), pg_text_array(values), keys_here ? "true" : "false"});
    std::map<std::pair<std::string, std::string>, SignalIds> stored;
    for (int r = 0; r < rows.size(); ++r) {
        const std::string a = rows.at(r, 1).value_or(""), b = rows.at(r, 2).value_or("");
        if (rows.at(r, 0) == "0") {
            stored.emplace(std::make_pair(a, b), SignalIds{rows.at(r, 3).value_or(""), rows.at(r, 4).value_or("")});
        } else {
            lookups.found(a, b, rows.at(r, 3).has_value());
            if (auto wrapped = rows.at(r, 4)) lookups.wrapped_keys.emplace(b, std::move(*wrapped));
        }
    }
    return stored;
}

// A signal that record_deferred files: identifiers to link, no household or move to read records for.
bool files_deferred(const RecordInput& input) { return !input.household && !input.move && !input.identifiers.empty(); }

}  // namespace

void RecordKeeper::record_batch(const std::vector<BatchEntry*>& entries) {
    database_.with_session([&](soci::session& sql) {
        int conflicts = 0;
        // PostgreSQL: the batch's rows in a few multi-row statements (BatchRows). After a conflict
        // or an error, the batch runs again row by row, where an error is a signal's own.
        bool multi_row = database_.backend() == Backend::postgresql;
        for (;;) {
            std::vector<BatchEntry*> pending;
            for (BatchEntry* entry : entries) {
                entry->stored = false;
                if (!entry->error) pending.push_back(entry);
            }
            if (pending.empty()) return;
            constexpr std::size_t none = static_cast<std::size_t>(-1);
            std::size_t at = none;  // the entry being stored when an error came
            const bool deferred = multi_row && conflicts == 0;
            try {
                std::vector<InsertOutcome> outcomes;
                if (deferred) {
                    // No transaction unless a signal needs one: the common batch is one query that
                    // reads and one statement that writes (and commits) every row.
                    std::optional<WriteTransaction> tx;
                    BatchRows rows;
                    rows.begin = [&] {
                        if (!tx) tx.emplace(sql, database_.backend());
                    };
                    LinkLookups lookups;
                    const PayloadKeys* keys = installed_payload_keys();
                    const auto stored = read_batch(sql, pending, lookups, keys != nullptr && !keys->separate_store());
                    lookups.rows = &rows;
                    std::map<std::pair<std::string, std::string>, std::size_t> first;
                    for (std::size_t i = 0; i < pending.size(); ++i) {
                        const NewSignal& signal = *pending[i]->signal;
                        const auto key = std::make_pair(signal.source_id, signal.webhook_id);
                        if (const auto it = stored.find(key); it != stored.end()) {
                            outcomes.push_back(InsertOutcome{false, it->second});
                            continue;
                        }
                        if (const auto it = first.find(key); it != first.end()) {
                            // The ids of the row the first one stored, or found stored.
                            outcomes.push_back(InsertOutcome{false, outcomes[it->second].ids});
                            continue;
                        }
                        first.emplace(key, i);
                        if (files_deferred(*pending[i]->input)) {
                            outcomes.push_back(
                                record_deferred(sql, signal, *pending[i]->input, pending[i]->now_us, lookups));
                        } else {
                            // It reads records: what the batch holds is written first.
                            rows.begin();
                            rows.flush(sql);
                            lookups.rows = nullptr;
                            outcomes.push_back(record_in(sql, signal, *pending[i]->input, pending[i]->now_us, lookups));
                            lookups.rows = &rows;
                        }
                    }
                    if (tx) {
                        rows.begin();
                        rows.flush(sql);
                        hold_before_commit(pending.size());
                        tx->commit();
                    } else {
                        // One statement: its writes and its commit are one step, so the hold (and a
                        // kill -9 there) comes before it.
                        hold_before_commit(pending.size());
                        rows.write_all(sql);
                    }
                } else {
                    WriteTransaction tx(sql, database_.backend());
                    // After a conflict with another instance, every lookup reads the store again.
                    LinkLookups lookups = conflicts == 0 ? LinkLookups(sql, pending) : LinkLookups();
                    for (std::size_t i = 0; i < pending.size(); ++i) {
                        at = i;
                        outcomes.push_back(
                            record_in(sql, *pending[i]->signal, *pending[i]->input, pending[i]->now_us, lookups));
                    }
                    at = none;
                    hold_before_commit(pending.size());
                    tx.commit();
                }
                for (std::size_t i = 0; i < pending.size(); ++i) {
                    pending[i]->stored = true;
                    pending[i]->inserted = outcomes[i].inserted;
                    pending[i]->ids = std::move(outcomes[i].ids);
                }
                return;
            } catch (const soci::soci_error& error) {
                if (batch_wide(sql, database_.backend(), error)) throw;
                if (deferred) {
                    // Which signal failed is not known from a multi-row statement: row by row again.
                    const bool conflict = is_retryable_conflict(error);
                    if (conflict) ++conflicts;
                    if (metrics_ != nullptr) metrics_->count_ingest_row_by_row(conflict ? "conflict" : "error");
                    multi_row = false;
                    continue;
                }
                // BEGIN, the lookups or COMMIT failed: the batch's, not an entry's.
                if (at == none) throw;
                // A race with another instance (write_transaction.hpp): run the batch again. An entry
                // that keeps conflicting is that entry's problem, not the batch's.
                if (is_retryable_conflict(error) && ++conflicts < 5) continue;
                pending[at]->error = std::current_exception();
            } catch (const StoreUnavailable&) {
                throw;
            } catch (const StoredMeanwhile&) {
                if (deferred && metrics_ != nullptr) metrics_->count_ingest_row_by_row("conflict");
                ++conflicts;
                continue;
            } catch (const std::exception&) {
                if (deferred) {
                    if (metrics_ != nullptr) metrics_->count_ingest_row_by_row("error");
                    multi_row = false;
                    continue;
                }
                if (at == none) throw;
                pending[at]->error = std::current_exception();
            }
            // The transaction has rolled back; the batch runs again without the entry that failed.
        }
    });
}

InsertOutcome RecordKeeper::record_deferred(soci::session& sql, const NewSignal& signal, const RecordInput& input,
                                            std::int64_t now_us, LinkLookups& lookups) {
    BatchRows& rows = *lookups.rows;
    Linker linker(sql, database_.backend(), linkage_, sealer_, signal.ids.signal_id, now_us, lookups);
    const auto linked = linker.link_identifiers(input.identifiers, true);
    linker.link_signal_deterministically(*linked);
    if (input.encoding) {
        rows.begin();
        store_encoding(sql, signal.ids.signal_id, linked->pupil, *input.encoding, now_us);
    }
    std::string envelope = signal.envelope;
    const PayloadKeys* keys = installed_payload_keys();
    if (keys != nullptr && !PayloadKeys::is_sealed(envelope)) {
        // Under the key of the pupil just linked; a record this batch created has none yet, so its
        // key is made here and inserted with the batch's rows instead of looked up; a record stored
        // before has its key read with the batch's identifiers (read_batch).
        const std::string owner = pupil_owner(linked->pupil);
        auto key = rows.new_keys.find(owner);
        if (key == rows.new_keys.end() && !keys->separate_store()) {
            if (lookups.created_here(linked->pupil)) {
                Bytes fresh;
                rows.keys.push_back({owner, keys->new_key(owner, fresh), std::to_string(now_us)});
                key = rows.new_keys.emplace(owner, std::move(fresh)).first;
            } else if (const auto wrapped = lookups.wrapped_keys.find(linked->pupil);
                       wrapped != lookups.wrapped_keys.end()) {
                key = rows.new_keys.emplace(owner, keys->open_key(owner, wrapped->second)).first;
            }
        }
        if (key == rows.new_keys.end()) rows.begin();  // seal() may make the key
        envelope =
            key != rows.new_keys.end()
                ? PayloadKeys::seal_under(owner, key->second, "signals", signal.ids.signal_id, "envelope", envelope)
                : keys->seal(sql, owner, "signals", signal.ids.signal_id, "envelope", envelope);
    }
    rows.signals.push_back({&signal, std::move(envelope)});
    return InsertOutcome{true, signal.ids};
}

void RecordKeeper::hold_before_commit(std::size_t batch_size) const {
    if (hold_file_.empty()) return;
    std::error_code ec;
    if (!std::filesystem::exists(hold_file_, ec)) return;
    const auto content = [&] {
        std::ifstream in(hold_file_);
        std::ostringstream text;
        text << in.rdbuf();
        return text.str();
    };
    const std::string held = content();
    std::ofstream(hold_file_.string() + ".held", std::ios::app) << batch_size << "\n" << std::flush;
    while (std::filesystem::exists(hold_file_, ec) && content() == held) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

InsertOutcome RecordKeeper::record_in(soci::session& sql, const NewSignal& signal, const RecordInput& input,
                                      std::int64_t now_us, LinkLookups& lookups) {
    const InsertOutcome stored = insert_signal(sql, signal);
    if (!stored.inserted) return stored;
    Linker linker(sql, database_.backend(), linkage_, sealer_, signal.ids.signal_id, now_us, lookups);
    if (input.household) {
        linker.file_household(*input.household);
    } else if (input.move) {
        // A move is kept by pseudonym for whichever family the person is in; it joins a
        // pupil's record when the person is a known pupil, and creates none (it may be a parent).
        for (const HubPseudonym& id : input.identifiers)
            add_move(sql, signal.ids.signal_id, id.pseudonym, *input.move, now_us);
        if (const auto linked = linker.link_identifiers(input.identifiers, false)) {
            linker.link_signal_deterministically(*linked);
        }
    } else if (!input.identifiers.empty()) {
        const auto linked = linker.link_identifiers(input.identifiers, true);
        linker.link_signal_deterministically(*linked);
        if (input.encoding) store_encoding(sql, signal.ids.signal_id, linked->pupil, *input.encoding, now_us);
        // The common case: its owner is the pupil just linked, and the envelope the one just inserted.
        seal_stored_signal(sql, signal.ids.signal_id, signal.envelope, pupil_owner(linked->pupil));
        return stored;
    } else if (input.encoding) {
        linker.link_probabilistically(*input.encoding);
    }
    // Linked now, so its owner is known: the envelope goes under that owner's payload key
    // before anything commits (retention/payload_keys.hpp).
    seal_stored_signal(sql, signal.ids.signal_id);
    return stored;
}

}  // namespace eenplan::service
