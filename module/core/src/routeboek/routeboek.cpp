#include "eenplan/core/routeboek/plan.hpp"
#include "eenplan/core/routeboek/routeboek.hpp"

#include <algorithm>

namespace eenplan::routeboek {
namespace {

template <typename T>
const T* find_by(const std::vector<T>& items, std::string_view key, std::string T::*field) {
    const auto it = std::find_if(items.begin(), items.end(), [&](const T& item) { return item.*field == key; });
    return it == items.end() ? nullptr : &*it;
}

}  // namespace

const Municipality* Routeboek::municipality(std::string_view code) const {
    return find_by(municipalities, code, &Municipality::code);
}
const Table* Routeboek::table(std::string_view table_id) const { return find_by(tables, table_id, &Table::id); }
const Organisation* Routeboek::organisation(std::string_view organisation_id) const {
    return find_by(organisations, organisation_id, &Organisation::id);
}
const PupilInPlan* PlanState::pupil(std::string_view pupil_id) const {
    return find_by(pupils, pupil_id, &PupilInPlan::pupil);
}

const std::string& PlanState::woongemeente_on(Day day) const {
    // The history is in date order: the last period that started by `day`.
    const auto it = std::find_if(residences.rbegin(), residences.rend(),
                                 [&](const Residence& r) { return r.from <= day && !r.gemeentecode.empty(); });
    return it == residences.rend() ? woongemeente : it->gemeentecode;
}

void record_residence(PlanState& plan, Day from, const std::string& gemeentecode) {
    if (gemeentecode.empty()) return;
    if (plan.residences.empty() && !plan.woongemeente.empty() && plan.woongemeente != gemeentecode) {
        plan.residences.push_back({Day{}, plan.woongemeente});
    }
    auto it = std::find_if(plan.residences.begin(), plan.residences.end(),
                           [&](const Residence& r) { return r.from >= from; });
    if (it != plan.residences.end() && it->from == from) {
        it->gemeentecode = gemeentecode;
    } else {
        plan.residences.insert(it, {from, gemeentecode});
    }
}

std::string_view to_string(OverrideKind kind) {
    switch (kind) {
        case OverrideKind::skip_step: return "skip_step";
        case OverrideKind::choose_table: return "choose_table";
        case OverrideKind::extend_term: return "extend_term";
    }
    return "extend_term";
}

std::optional<OverrideKind> parse_override_kind(std::string_view text) {
    for (const OverrideKind kind : {OverrideKind::skip_step, OverrideKind::choose_table, OverrideKind::extend_term}) {
        if (to_string(kind) == text) return kind;
    }
    return std::nullopt;
}

std::string_view to_string(DecisionKind kind) {
    switch (kind) {
        case DecisionKind::task: return "task";
        case DecisionKind::escalate: return "escalate";
        case DecisionKind::reminder: return "reminder";
        case DecisionKind::de_escalate: return "de_escalate";
        case DecisionKind::handover: return "handover";
        case DecisionKind::close_task: return "close_task";
        case DecisionKind::override: return "override";
        case DecisionKind::notify: return "notify";
    }
    return "task";
}

}  // namespace eenplan::routeboek
