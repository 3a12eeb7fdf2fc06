// Two plans of one family become one: see adopt_plan in plan.hpp.
#include <algorithm>

#include "eenplan/core/routeboek/plan.hpp"

namespace eenplan::routeboek {
namespace {

template <typename T, typename Same>
void unite(std::vector<T>& into, std::vector<T>&& from, Same same) {
    for (T& item : from) {
        const bool known = std::any_of(into.begin(), into.end(), [&](const T& have) { return same(have, item); });
        if (!known) into.push_back(std::move(item));
    }
}

}  // namespace

void adopt_plan(PlanState& family, PlanState adopted) {
    if (family.woongemeente.empty()) family.woongemeente = adopted.woongemeente;
    if (family.residences.empty()) family.residences = std::move(adopted.residences);
    unite(family.pupils, std::move(adopted.pupils), [](const auto& a, const auto& b) { return a.pupil == b.pupil; });
    unite(family.absences, std::move(adopted.absences),
          [](const auto& a, const auto& b) { return a.pupil == b.pupil && a.from == b.from && a.kind == b.kind; });
    unite(family.partial, std::move(adopted.partial),
          [](const auto& a, const auto& b) { return a.pupil == b.pupil && a.from == b.from; });
    unite(family.open_tasks, std::move(adopted.open_tasks), [](const auto& a, const auto& b) { return a.id == b.id; });
    unite(family.enrolments, std::move(adopted.enrolments), [](const auto& a, const auto& b) {
        return a.pupil == b.pupil && a.brin == b.brin && a.start == b.start && a.end == b.end;
    });
    unite(family.school_gaps, std::move(adopted.school_gaps),
          [](const auto& a, const auto& b) { return a.pupil == b.pupil; });
    unite(family.fired, std::move(adopted.fired), [](const auto& a, const auto& b) { return a == b; });
    unite(family.goals, std::move(adopted.goals), [](const auto& a, const auto& b) { return a == b; });
    for (Override& o : adopted.overrides) family.overrides.push_back(std::move(o));
    family.mdo_requested_advice = family.mdo_requested_advice || adopted.mdo_requested_advice;
    family.youthcare_active = family.youthcare_active || adopted.youthcare_active;
    if (!family.escalated_since && adopted.escalated_since) {
        family.escalated_since = adopted.escalated_since;
        family.first_worrying = adopted.first_worrying;
        family.escalated_pupil = adopted.escalated_pupil;
        family.ladder_position = adopted.ladder_position;
        family.table = adopted.table;
        family.casusregisseur = adopted.casusregisseur;
    }
    if (family.casusregisseur.empty()) family.casusregisseur = adopted.casusregisseur;
    family.next_task = std::max(family.next_task, adopted.next_task);
    if (!family.evaluated_until || (adopted.evaluated_until && *adopted.evaluated_until < *family.evaluated_until)) {
        family.evaluated_until = adopted.evaluated_until;
    }
    // Both timelines, in date order; within a day the family's own entries first.
    for (TimelineEntry& e : adopted.timeline) family.timeline.push_back(std::move(e));
    std::stable_sort(family.timeline.begin(), family.timeline.end(),
                     [](const TimelineEntry& a, const TimelineEntry& b) { return a.at < b.at; });
}

}  // namespace eenplan::routeboek
