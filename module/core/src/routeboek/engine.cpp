// The engine's entry points: apply one event to a plan, and when to look at it again. The rules
// themselves live per family beside this file (step.hpp).
#include "eenplan/core/routeboek/engine.hpp"

#include "routeboek/step.hpp"

namespace eenplan::routeboek {

Result<std::vector<Decision>> Engine::apply(PlanState& plan, const Event& event, Day today) const {
    std::vector<Decision> decisions;
    if (const auto* override_event = std::get_if<OverrideEvent>(&event)) {
        // Only an override can be refused: work on a copy so a refusal leaves the plan as it was.
        PlanState working = plan;
        detail::Step step(*this, working, today, decisions);
        auto accepted = step.override_(override_event->override_);
        if (!accepted) return accepted.problems();
        step.evaluate();
        plan = std::move(working);
        return decisions;
    }
    detail::Step step(*this, plan, today, decisions);
    if (const auto* signal = std::get_if<SignalEvent>(&event)) {
        step.signal(*signal);
    } else {
        plan.evaluated_until = today;
        prune(plan, today);
    }
    step.evaluate();
    return decisions;
}

std::string Engine::sector_of(const PupilInPlan& pupil) const {
    if (!pupil.sector.empty()) return pupil.sector;
    if (const auto it = school_sectors_.find(pupil.school_brin); it != school_sectors_.end()) return it->second;
    return routeboek().sector;
}

const Routeboek& Engine::routeboek_for(const PupilInPlan& pupil, std::string_view woongemeente) const {
    if (routeboeken_.size() == 1) return routeboek();
    const std::string sector = sector_of(pupil);
    const Routeboek* of_sector = nullptr;
    for (const Routeboek* book : routeboeken_) {
        if (book->sector != sector) continue;
        // The region's routeboek for that sector: the one that lists the woongemeente (else the
        // school's municipality, for a family whose woongemeente is not known yet).
        if (book->municipality(woongemeente) || (woongemeente.empty() && book->municipality(pupil.school_gemeentecode)))
            return *book;
        if (!of_sector) of_sector = book;
    }
    return of_sector ? *of_sector : routeboek();
}

void prune(PlanState& plan, Day today) {
    // Closed periods that ended more than a school year ago can no longer start, extend or end a
    // run, a prevention window or an escalation: the plan does not keep them forever.
    const Day horizon = add_days(today, -365);
    std::erase_if(plan.absences, [&](const AbsencePeriod& p) { return p.to && *p.to < horizon; });
    std::erase_if(plan.partial, [&](const PartialAttendance& p) { return p.to && *p.to < horizon; });
    // An enrolment that ended that long ago says nothing about today's schools; a pupil without a
    // school stays watched (its gap) until enrolled again.
    std::erase_if(plan.enrolments, [&](const Enrolment& e) { return e.end && *e.end < horizon; });
    // Prevention marks are named by the first day of their window ("<rule>|<pupil>|YYYY-MM-DD").
    std::erase_if(plan.fired, [&](const std::string& key) {
        const auto day = key.size() >= 10 ? parse_day(std::string_view(key).substr(key.size() - 10)) : std::nullopt;
        return day && *day < horizon;
    });
}

std::optional<Day> Engine::next_check(const PlanState& plan, Day today) const {
    const bool open_absence = std::any_of(plan.absences.begin(), plan.absences.end(),
                                          [&](const AbsencePeriod& p) { return !p.to || *p.to >= today; });
    // A pupil without a school is watched until the window closes.
    const bool watching =
        std::any_of(plan.school_gaps.begin(), plan.school_gaps.end(), [](const SchoolGap& gap) { return !gap.raised; });
    if (plan.escalated_since || open_absence || watching || !plan.open_tasks.empty() || !plan.partial.empty()) {
        return add_days(today, 1);
    }
    // Recent short absences can still add up to a prevention pattern or a run within the window.
    const bool recent = std::any_of(plan.absences.begin(), plan.absences.end(), [&](const AbsencePeriod& p) {
        return days_between(p.to.value_or(today), today) <= 28;
    });
    return recent ? std::optional<Day>(add_days(today, 1)) : std::nullopt;
}

}  // namespace eenplan::routeboek
