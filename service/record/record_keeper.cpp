#include "record/record_keeper.hpp"
#include "store/signal_store.hpp"
#include "store/database.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "eenplan/core/linkage/dice.hpp"
#include "eenplan/core/record/pupil_linking.hpp"
#include "record/family_store.hpp"
#include "record/pupil_store.hpp"
#include "retention/payload_keys.hpp"
#include "store/write_transaction.hpp"

namespace eenplan::service {
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
           const std::string& signal_id, std::int64_t now_us)
        : sql_(sql), backend_(backend), linkage_(linkage), sealer_(sealer), signal_id_(signal_id), now_us_(now_us) {}

    // Files the signal's identifiers on a record: found, created (when `create`), or merged when
    // they were known on several. Nothing when no identifier is known and `create` is false.
    std::optional<LinkedPupil> link_identifiers(const std::vector<HubPseudonym>& identifiers, bool create) {
        std::vector<record::IdentifierSighting> sightings;
        for (const HubPseudonym& id : identifiers) {
            record::IdentifierSighting s{id.kind, id.pseudonym, identifier_owner(sql_, id.pseudonym, id.earlier),
                                         std::nullopt};
            if (s.known_on) s.known_root = root_of(sql_, *s.known_on);
            sightings.push_back(std::move(s));
        }
        const record::LinkPlan plan = record::plan_deterministic_link(sightings);
        LinkedPupil linked;
        for (const HubPseudonym& id : identifiers) linked.kinds.push_back(id.kind);
        linked.rule = plan.rule;
        if (plan.action == record::LinkAction::create_pupil) {
            if (!create) return std::nullopt;
            linked.pupil = new_id();
            create_pupil(sql_, linked.pupil, signal_id_, now_us_);
        } else {
            linked.pupil = *plan.pupil;
            if (!plan.to_merge.empty()) {
                // Roots are read again under the lock: another instance may have merged meanwhile.
                lock_for_transaction(sql_, backend_, merge_lock_key);
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
        for (const std::size_t i : plan.new_identifiers)
            add_identifier(sql_, identifiers[i], linked.pupil, signal_id_, now_us_);
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
        link_signal(sql_, signal_id_, linked.pupil, linked.rule, std::nullopt, to_json(evidence), now_us_);
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
};

}  // namespace

InsertOutcome RecordKeeper::record(const NewSignal& signal, const RecordInput& input, std::int64_t now_us) {
    return database_.with_session([&](soci::session& sql) {
        return in_write_transaction(sql, database_.backend(), [&]() -> InsertOutcome {
            const InsertOutcome stored = insert_signal(sql, signal);
            if (!stored.inserted) return stored;
            Linker linker(sql, database_.backend(), linkage_, sealer_, signal.ids.signal_id, now_us);
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
            } else if (input.encoding) {
                linker.link_probabilistically(*input.encoding);
            }
            // Linked now, so its owner is known: the envelope goes under that owner's payload key
            // before anything commits (retention/payload_keys.hpp).
            seal_stored_signal(sql, signal.ids.signal_id);
            return stored;
        });
    });
}

}  // namespace eenplan::service
