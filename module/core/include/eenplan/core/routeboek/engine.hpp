// The routeboek engine: a pure function of (routeboek, family plan, event, today) → decisions, with
// the plan updated in place. No clock, no I/O: the service calls it on every signal and on a
// durable daily schedule (a clock tick), stores the plan and writes each task to the outbox in
// the same transaction. Every decision names the rule that fired and the reason.
//
// What the rules do (the routeboek says which apply where, with which terms):
//   - prevention patterns before the escalation mark → a light task for the school's support team
//   - N weeks of consecutive absence (illness not counted), or long partial attendance with the
//     MDO asking for advice → the escalation starts: the tasks of `on_escalation` (the school's
//     lasting duty of care — continuity of education —, an MDO, leerplicht of the woongemeente)
//   - mdo.held with escalate → the next step on the woongemeente's ladder: a task to register the
//     case at that table with the desk and channel of that municipality, information tasks for
//     whom it must notify; a table with a deadline counts from the first date of worrying absence
//   - concern.raised by a professional who disagrees with the MDO, within the eigen-team window →
//     a task to that professional's own team/manager
//   - table.outcome unresolved → the next step; advice with a casusregisseur → a task for them;
//     resolved → the case goes back to the MDO
//   - youthcare.ended refused / insufficient cooperation → the local team considers the
//     jeugdbeschermingstafel of the woongemeente
//   - open tasks near their due date → one reminder; attendance back for the configured days →
//     de-escalation, the continuity task closes
//   - person.moved → youth-care and leerplicht tasks are handed over to the new woongemeente, and
//     the pupil's school(s) are told the new woongemeente
//   - enrolment.started / enrolment.ended → a notification to the woongemeente's leerplicht office;
//     an uitschrijving without an inschrijving within N school days → an absoluut-verzuim task for
//     leerplicht, closed by a later inschrijving; a transfer raises nothing (registration.cpp)
//   - overrides (skip a step, choose another table, extend the terms), always with a reason
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "eenplan/core/result.hpp"
#include "eenplan/core/routeboek/plan.hpp"
#include "eenplan/core/routeboek/routeboek.hpp"
#include "eenplan/core/routeboek/school_calendar.hpp"

namespace eenplan::routeboek {

// The school's sector by BRIN (po, vo, so, mbo), from the service's settings: for a pupil whose
// inschrijving did not say.
using SchoolSectors = std::map<std::string, std::string, std::less<>>;

class Engine {
public:
    // With a school calendar, absence and terms are counted in school days (N weeks = 5N school
    // days; holidays, weekends and study days neither break nor extend a run) and due dates that
    // fall on a day off move to the next school day. Without one, calendar days as before.
    explicit Engine(const Routeboek& routeboek, const SchoolCalendar* calendar = nullptr)
        : routeboeken_{&routeboek}, calendar_(calendar) {}

    // Several routeboeken (per sector and region) in one family plan: each pupil follows the
    // routeboek of its school's sector that lists the family's woongemeente (else the first of that
    // sector; else the first routeboek, the default). `routeboeken` must not be empty; the first is
    // the default (the PO one in the shipped configuration). Tasks for the family's shared tables
    // (local team, jeugdbeschermingstafel) are made once for the family, whoever's routeboek asks.
    Engine(std::vector<const Routeboek*> routeboeken, const SchoolCalendar* calendar, SchoolSectors school_sectors = {})
        : routeboeken_(std::move(routeboeken)), calendar_(calendar), school_sectors_(std::move(school_sectors)) {}

    // Applies one event. Refuses (and leaves the plan untouched) an override without a reason or
    // naming a table the family's municipality does not have.
    Result<std::vector<Decision>> apply(PlanState& plan, const Event& event, Day today) const;

    // The next day on which a tick could change something (a due date, a reminder, a trigger
    // date, de-escalation), for the service's durable schedule; nullopt when nothing is pending.
    [[nodiscard]] std::optional<Day> next_check(const PlanState& plan, Day today) const;

    // The default routeboek (the first).
    [[nodiscard]] const Routeboek& routeboek() const noexcept { return *routeboeken_.front(); }
    [[nodiscard]] const std::vector<const Routeboek*>& routeboeken() const noexcept { return routeboeken_; }
    [[nodiscard]] const SchoolCalendar* calendar() const noexcept { return calendar_; }
    // The pupil's sector: its inschrijving's, else the setting for its school's BRIN, else the
    // default routeboek's.
    [[nodiscard]] std::string sector_of(const PupilInPlan& pupil) const;
    // The routeboek a pupil follows in a family living in `woongemeente`.
    [[nodiscard]] const Routeboek& routeboek_for(const PupilInPlan& pupil, std::string_view woongemeente) const;

private:
    std::vector<const Routeboek*> routeboeken_;
    const SchoolCalendar* calendar_;
    SchoolSectors school_sectors_;
};

// Drops absence and partial-attendance periods that ended more than a school year (365 days) before
// today; every clock tick does this, so a plan's JSON does not grow forever.
void prune(PlanState& plan, Day today);

// The consecutive run of absence of one pupil that includes `today` (or ended at most bridge
// days before it): its first day and how many of its days count (not of the excluded kinds).
struct AbsenceRun {
    Day first_counted;
    int counted_days = 0;
    Day last_day;
};
std::optional<AbsenceRun> current_absence_run(const std::vector<AbsencePeriod>& absences, std::string_view pupil,
                                              Day today, const ConsecutiveAbsenceTrigger& trigger);

// The same in school days of the pupil's school: walking back from the last school day up to
// today, every school day covered by absence of a counting kind counts, a school day covered only
// by a kind that does not count (illness) neither counts nor breaks the run, a school day without
// absence ends it (today itself may still be unreported); days off are passed over. counted_days
// is in school days.
std::optional<AbsenceRun> current_absence_run_in_school_days(const std::vector<AbsencePeriod>& absences,
                                                             std::string_view pupil, Day today,
                                                             const ConsecutiveAbsenceTrigger& trigger,
                                                             const SchoolCalendar& calendar, std::string_view brin,
                                                             std::string_view gemeentecode);

}  // namespace eenplan::routeboek
