#include "plan/reconciler.hpp"

#include <algorithm>
#include <map>

#include "eenplan/core/keyed_pseudonym.hpp"
#include "plan/plan_keeper.hpp"
#include "plan/plan_store.hpp"
#include "record/family_store.hpp"
#include "record/pupil_store.hpp"
#include "store/database.hpp"

namespace eenplan::service {
namespace {

using registration::ChildStatus;

// A hub pseudonym as sent, or the hub pseudonym of a polymorphic encryption; nullopt for anything
// the hub cannot open.
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
    if (!entry.starts_with("pp1:")) return std::nullopt;
    auto ciphertext = PolymorphicCiphertext::parse(entry, "/children");
    if (!ciphertext) return std::nullopt;
    auto pseudonym = pseudonymiser.pseudonymise(Subject{std::move(ciphertext).value()});
    if (!pseudonym) return std::nullopt;
    return pseudonym->pseudonym;
}

// What the hub knows of one child today, reading its pupil record and the plan it is on.
class Statuses {
public:
    Statuses(soci::session& sql, Backend backend, routeboek::Day today) : sql_(sql), backend_(backend), today_(today) {}

    ChildStatus operator()(const std::string& hub_pseudonym) {
        std::string pupil;
        soci::indicator ind = soci::i_null;
        sql_ << "SELECT pupil_id FROM pupil_identifiers WHERE pseudonym = :p", soci::use(hub_pseudonym),
            soci::into(pupil, ind);
        if (!sql_.got_data() || ind != soci::i_ok) return ChildStatus::unknown;
        const std::string root = records::root_of(sql_, pupil);
        const std::vector<std::string> nodes = records::record_nodes(sql_, root);
        // The family's plan, or the pupil's own while no new signal has moved it to the family's.
        std::vector<std::string> plan_ids;
        if (const auto family = records::family_of_record(sql_, nodes)) plan_ids.push_back(records::family_root(sql_, *family));
        plan_ids.push_back("pupil-" + root);
        for (const std::string& id : plan_ids) {
            const routeboek::PlanState* plan = plan_of(id);
            if (plan && registration::enrolled_on(plan->enrolments, nodes, today_)) return ChildStatus::enrolled;
        }
        return ChildStatus::not_enrolled;
    }

private:
    const routeboek::PlanState* plan_of(const std::string& id) {
        auto it = plans_.find(id);
        if (it == plans_.end()) it = plans_.emplace(id, load_plan(sql_, backend_, id, false)).first;
        return it->second ? &*it->second : nullptr;
    }

    soci::session& sql_;
    Backend backend_;
    routeboek::Day today_;
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
    for (const std::string& entry : request.children) children.push_back({entry, open_entry(pseudonymiser_, entry)});
    const routeboek::Day today = today_dutch();
    return database_.with_session([&](soci::session& sql) {
        Statuses statuses(sql, database_.backend(), today);
        return registration::reconcile(children, std::ref(statuses), key_, municipality->leerplicht);
    });
}

}  // namespace eenplan::service
