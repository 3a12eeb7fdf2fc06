#include "plan/reconciler.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "eenplan/core/keyed_pseudonym.hpp"
#include "plan/plan_codec.hpp"
#include "plan/plan_keeper.hpp"
#include "plan/plan_store.hpp"
#include "record/family_store.hpp"
#include "record/pupil_store.hpp"
#include "retention/payload_keys.hpp"
#include "store/database.hpp"

namespace eenplan::service {
namespace {

using registration::ChildStatus;

// A hub pseudonym as sent, when it is one of this hub's shape and key versions; nullopt otherwise.
std::optional<std::string> open_entry(const HubPseudonymiser& pseudonymiser, const std::string& entry) {
    if (entry.starts_with("kp1:")) {
        // "kp1:<version>:" and 32 base32 characters, under a key version this hub has.
        const std::uint32_t version = keyed_pseudonym_version(entry);
        const std::size_t value = entry.find(':', 4) + 1;
        const bool shaped = value != 0 && entry.size() - value == 32 &&
                            std::all_of(entry.begin() + static_cast<std::ptrdiff_t>(value), entry.end(),
                                        [](char c) { return (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'); });
        if (version == 0 || version > pseudonymiser.ring().current().version() || !shaped) return std::nullopt;
        return entry;
    }
    return std::nullopt;  // encryptions (pp1:) are opened together in reconcile
}

// What the hub knows of one child today, reading its pupil record and the plan it is on. A part
// asks this for thousands of children, so the common case — a record nobody was merged into or
// out of — runs on statements prepared once per part; a merged record takes the record room's
// general path.
class Statuses {
public:
    Statuses(soci::session& sql, Backend backend, routeboek::Day today)
        : sql_(sql),
          backend_(backend),
          today_(today),
          identifier_((sql.prepare << "SELECT pupil_id FROM pupil_identifiers WHERE pseudonym = :p", soci::use(key_),
                       soci::into(value_, value_ind_))),
          pupil_((sql.prepare << "SELECT merged_into, family_id FROM pupils WHERE pupil_id = :p", soci::use(key_),
                  soci::into(value_, value_ind_), soci::into(other_, other_ind_))),
          merged_in_((sql.prepare << "SELECT COUNT(*) FROM pupils WHERE merged_into = :p", soci::use(key_),
                      soci::into(count_))),
          family_((sql.prepare << "SELECT merged_into FROM families WHERE family_id = :f", soci::use(key_),
                   soci::into(value_, value_ind_))),
          plan_((sql.prepare << "SELECT state FROM plans WHERE family_id = :f", soci::use(key_),
                 soci::into(value_, value_ind_))) {}

    ChildStatus operator()(const std::string& hub_pseudonym) {
        const auto pupil = fetch(identifier_, hub_pseudonym);
        if (!pupil) return ChildStatus::unknown;
        std::string root = *pupil;
        std::vector<std::string> nodes{root};
        std::optional<std::string> family;
        const bool found = execute(pupil_, root);
        const bool merged_away = found && value_ind_ == soci::i_ok;
        const std::optional<std::string> own_family =
            found && other_ind_ == soci::i_ok ? std::optional<std::string>(other_) : std::nullopt;
        execute(merged_in_, root);
        if (merged_away || count_ > 0) {
            root = records::root_of(sql_, *pupil);
            nodes = records::record_nodes(sql_, root);
            family = records::family_of_record(sql_, nodes);
        } else if (own_family) {
            family = family_root(*own_family);
        }
        // The family's plan, or the pupil's own while no new signal has moved it to the family's.
        std::vector<std::string> plan_ids;
        if (family) plan_ids.push_back(*family);
        plan_ids.push_back("pupil-" + root);
        for (const std::string& id : plan_ids) {
            const routeboek::PlanState* plan = plan_of(id);
            if (plan && registration::enrolled_on(plan->enrolments, nodes, today_)) return ChildStatus::enrolled;
        }
        return ChildStatus::not_enrolled;
    }

private:
    bool execute(soci::statement& statement, const std::string& key) {
        key_ = key;
        value_ind_ = soci::i_null;
        other_ind_ = soci::i_null;
        count_ = 0;
        return statement.execute(true);
    }
    std::optional<std::string> fetch(soci::statement& statement, const std::string& key) {
        if (!execute(statement, key) || value_ind_ != soci::i_ok) return std::nullopt;
        return value_;
    }
    std::string family_root(std::string family) {
        for (int steps = 0; steps < 1000; ++steps) {
            const auto next = fetch(family_, family);
            if (!next) return family;
            family = *next;
        }
        throw std::logic_error("family joins form a cycle");
    }
    const routeboek::PlanState* plan_of(const std::string& id) {
        auto it = plans_.find(id);
        if (it == plans_.end()) {
            std::optional<routeboek::PlanState> plan;
            if (const auto state = fetch(plan_, id)) {
                // The state is under the plan's payload key (retention/payload_keys.hpp).
                const auto opened = open_payload(sql_, "plans", id, "state", *state);
                if (!opened) throw std::runtime_error("a stored plan's payload key is gone");
                auto decoded = decode_plan(*opened);
                if (!decoded) throw std::runtime_error("a stored plan cannot be read");
                plan = std::move(decoded).value();
            }
            // Bounded: a whole run's list (100 000 children) must not hold every plan it read.
            if (plans_.size() >= max_cached_plans) plans_.clear();
            it = plans_.emplace(id, std::move(plan)).first;
        }
        return it->second ? &*it->second : nullptr;
    }

    soci::session& sql_;
    Backend backend_;
    routeboek::Day today_;
    std::string key_, value_, other_;
    soci::indicator value_ind_ = soci::i_null, other_ind_ = soci::i_null;
    long long count_ = 0;
    soci::statement identifier_, pupil_, merged_in_, family_, plan_;
    static constexpr std::size_t max_cached_plans = 4096;
    std::map<std::string, std::optional<routeboek::PlanState>> plans_;  // siblings share one
};

}  // namespace

Result<registration::ReconciliationAnswer> Reconciler::reconcile(const ReconciliationRequest& request) {
    const routeboek::Municipality* municipality = routeboek_.municipality(request.gemeentecode);
    if (municipality == nullptr || municipality->leerplicht.empty()) {
        return Problem{"/gemeentecode", "has no leerplicht office in the routeboek"};
    }
    std::vector<registration::ListedChild> children;
    children.reserve(request.children.size());
    // Hub pseudonyms are taken as sent; the encryptions go to the pseudonymiser together, in
    // chunks of a key server batch (one round trip each when the hub converts through one).
    constexpr std::size_t chunk = 1000;
    std::vector<std::size_t> encrypted;
    std::vector<Subject> subjects;
    for (const std::string& entry : request.children) {
        children.push_back({entry, std::nullopt});
        if (!entry.starts_with("pp1:")) {
            children.back().hub_pseudonym = open_entry(pseudonymiser_, entry);
            continue;
        }
        if (auto ciphertext = PolymorphicCiphertext::parse(entry, "/children")) {
            encrypted.push_back(children.size() - 1);
            subjects.emplace_back(std::move(ciphertext).value());
        }
    }
    for (std::size_t from = 0; from < subjects.size(); from += chunk) {
        const std::vector<Subject> part(
            subjects.begin() + static_cast<std::ptrdiff_t>(from),
            subjects.begin() + static_cast<std::ptrdiff_t>(std::min(from + chunk, subjects.size())));
        auto results = pseudonymiser_.pseudonymise_all(part);
        for (std::size_t i = 0; i < results.size(); ++i) {
            if (results[i]) children[encrypted[from + i]].hub_pseudonym = results[i]->pseudonym;
        }
    }
    const routeboek::Day today = request.today;
    return database_.with_session([&](soci::session& sql) {
        Statuses statuses(sql, database_.backend(), today);
        return registration::reconcile(children, std::ref(statuses), key_, municipality->leerplicht);
    });
}

}  // namespace eenplan::service
