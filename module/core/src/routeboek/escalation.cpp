// The escalation mark and its end: absence and partial attendance as the plan records them,
// N weeks of consecutive absence (illness not counted) or long partial attendance start the
// escalation; attendance back for the configured days ends it.
#include "routeboek/step.hpp"

namespace eenplan::routeboek {
namespace {

bool covers(const AbsencePeriod& period, Day day, Day today) {
    return period.from <= day && day <= period.to.value_or(today);
}

}  // namespace

namespace detail {

void Step::on(const AbsenceReported& absence, const SignalEvent& event) {
    // A source reports an open period and later closes it: the same pupil, start and kind.
    const double hours = absence.hours.value_or(0);
    auto it = std::find_if(plan_.absences.begin(), plan_.absences.end(), [&](const AbsencePeriod& p) {
        return p.pupil == event.pupil && p.from == absence.from && p.kind == absence.absence_kind;
    });
    if (it != plan_.absences.end()) {
        it->to = absence.to;
        it->hours = hours;
    } else {
        plan_.absences.push_back({event.pupil, absence.from, absence.to, absence.absence_kind, hours});
    }
}

void Step::on(const AttendancePartial& partial, const SignalEvent& event) {
    auto it = std::find_if(plan_.partial.begin(), plan_.partial.end(), [&](const PartialAttendance& p) {
        return p.pupil == event.pupil && p.from == partial.from;
    });
    if (it != plan_.partial.end()) {
        it->to = partial.to;
        it->approaches = partial.approaches;
    } else {
        plan_.partial.push_back({event.pupil, partial.from, partial.to, partial.approaches});
    }
}

std::optional<AbsenceRun> Step::trigger_met(const PupilInPlan& pupil, std::string& reason) const {
    if (!rb_->consecutive_absence) return std::nullopt;
    const auto& trigger = *rb_->consecutive_absence;
    if (calendar_) {
        // Four school weeks are twenty school days.
        auto run = current_absence_run_in_school_days(plan_.absences, pupil.pupil, today_, trigger, *calendar_,
                                                      pupil.school_brin, pupil.school_gemeentecode);
        if (!run || run->counted_days < trigger.weeks * 5) return std::nullopt;
        reason = std::to_string(trigger.weeks) + " school weeks (" + std::to_string(trigger.weeks * 5) +
                 " school days) of consecutive absence not explained by illness";
        return run;
    }
    auto run = current_absence_run(plan_.absences, pupil.pupil, today_, trigger);
    if (!run || run->counted_days < trigger.weeks * 7) return std::nullopt;
    reason = std::to_string(trigger.weeks) + " weeks of consecutive absence not explained by illness";
    return run;
}

void Step::escalation_triggers() {
    // Each pupil against its own routeboek's trigger (a VO routeboek may count other weeks). The
    // first to meet it starts the family's escalation; a sibling meeting its own later gets its
    // own school's tasks inside the same plan.
    for (const PupilInPlan& pupil : plan_.pupils) {
        with_book(book_for(pupil.pupil), [&] {
            if (escalated()) {
                if (pupil.pupil != plan_.escalated_pupil) sibling_trigger(pupil);
                return;
            }
            std::string reason;
            const auto run = trigger_met(pupil, reason);
            if (!run) return;
            start_escalation(pupil.pupil, run->first_counted, rule("escalation/" + rb_->consecutive_absence->id),
                             reason);
        });
    }
}

void Step::sibling_trigger(const PupilInPlan& pupil) {
    std::string reason;
    const auto run = trigger_met(pupil, reason);
    if (!run) return;
    // Once per run: the mark is named by the run's first counted day (and pruned like prevention's).
    const std::string key = "escalation|" + pupil.pupil + "|" + format_day(run->first_counted);
    if (contains(plan_.fired, key)) return;
    plan_.fired.push_back(key);
    const std::string r = rule("escalation/" + rb_->consecutive_absence->id);
    decide(DecisionKind::escalate, r,
           reason + "; the family's plan is already escalated, so this pupil's own routeboek adds its tasks", "mdo");
    for (const TaskTemplate& tmpl : rb_->on_escalation) {
        open(tmpl, pupil.pupil, r, tmpl.title, add_days(today_, tmpl.due_days));
    }
}

bool Step::partial_trigger_met(const std::string& pupil) const {
    if (!rb_->partial_attendance) return false;
    const auto& trigger = *rb_->partial_attendance;
    return std::any_of(plan_.partial.begin(), plan_.partial.end(), [&](const PartialAttendance& p) {
        // Weeks of partial attendance: school weeks with the school calendar.
        return p.pupil == pupil && (!p.to || *p.to >= today_) &&
               weeks_after(p.from, trigger.min_weeks, pupil) <= today_ && p.approaches >= trigger.min_approaches;
    });
}

void Step::start_escalation(const std::string& pupil, Day first_worrying, const std::string& rule,
                            const std::string& reason) {
    plan_.escalated_since = today_;
    plan_.first_worrying = first_worrying;
    plan_.escalated_pupil = pupil;
    plan_.ladder_position = -1;
    plan_.table.clear();
    decide(DecisionKind::escalate, rule, reason, "mdo");
    for (const TaskTemplate& tmpl : rb_->on_escalation) {
        open(tmpl, pupil, rule, tmpl.title, add_days(today_, tmpl.due_days));
    }
}

void Step::de_escalation() {
    if (!escalated()) return;
    const int quiet = rb_->de_escalate_after_attendance_days;
    const std::string& pupil = plan_.escalated_pupil;
    std::optional<Day> last_absent;
    auto absent_until = [&](Day end) { last_absent = last_absent ? std::max(*last_absent, end) : end; };
    for (const AbsencePeriod& p : plan_.absences) {
        if (p.pupil == pupil) absent_until(p.to.value_or(today_));
    }
    // Not fully taking part counts as not back: partial attendance keeps the escalation open.
    for (const PartialAttendance& p : plan_.partial) {
        if (p.pupil == pupil) absent_until(p.to.value_or(today_));
    }
    // Back at school for `quiet` days after the escalation started: the escalation ends.
    // With the school calendar: school days attended (28 days are 20 school days); a holiday is
    // no attendance.
    const Day back_since = last_absent ? add_days(*last_absent, 1) : *plan_.escalated_since;
    if (days_since(std::max(back_since, *plan_.escalated_since), today_, pupil) < term(quiet)) return;
    const std::string r = rule("de_escalation/attendance_resumed");
    const std::vector<std::string> escalation_types = [&] {
        std::vector<std::string> types{"table.register", "table.notify"};
        for (const TaskTemplate& t : rb_->on_escalation) types.push_back(t.type);
        return types;
    }();
    close_tasks([&](const Task& task) { return contains(escalation_types, task.type); }, r,
                "the pupil is back at school");
    plan_.escalated_since.reset();
    plan_.first_worrying.reset();
    plan_.escalated_pupil.clear();
    plan_.ladder_position = -1;
    plan_.table.clear();
    decide(DecisionKind::de_escalate, r, "the pupil has attended for " + term_text(quiet));
}

}  // namespace detail

std::optional<AbsenceRun> current_absence_run(const std::vector<AbsencePeriod>& absences, std::string_view pupil,
                                              Day today, const ConsecutiveAbsenceTrigger& trigger) {
    std::vector<const AbsencePeriod*> periods;
    for (const AbsencePeriod& p : absences) {
        if (p.pupil == pupil && p.from <= today) periods.push_back(&p);
    }
    if (periods.empty()) return std::nullopt;
    std::sort(periods.begin(), periods.end(), [](const auto* a, const auto* b) { return a->from < b->from; });

    // Merge into runs, bridging short gaps; keep the run that reaches today (within the bridge).
    Day run_start = periods.front()->from;
    Day run_end = std::min(periods.front()->to.value_or(today), today);
    for (std::size_t i = 1; i < periods.size(); ++i) {
        const Day start = periods[i]->from;
        const Day end = std::min(periods[i]->to.value_or(today), today);
        if (days_between(run_end, start) <= trigger.bridge_days + 1) {
            run_end = std::max(run_end, end);
        } else {
            run_start = start;
            run_end = end;
        }
    }
    if (days_between(run_end, today) > trigger.bridge_days) return std::nullopt;

    // The run lasts from its first counted day to today, or to its last day plus the bridge when
    // it ended before today (a weekend, a report not yet in): four school weeks of absence, Monday
    // to Friday, make 28 days on the Sunday. Days covered only by a kind that does not count
    // (illness) are not counted; gaps inside the run are.
    const Day end = std::min(today, add_days(run_end, trigger.bridge_days));
    AbsenceRun run{run_start, 0, run_end};
    bool first = true;
    for (Day day = run_start; day <= end; day += std::chrono::days(1)) {
        bool counting = false;
        bool excluded = false;
        for (const AbsencePeriod* p : periods) {
            if (!covers(*p, day, today)) continue;
            if (detail::contains(trigger.not_counting, p->kind))
                excluded = true;
            else
                counting = true;
        }
        if (first && (!counting || excluded)) continue;  // the count starts at the first unexplained day
        if (first) run.first_counted = day;
        first = false;
        if (!excluded) ++run.counted_days;
    }
    if (first) return std::nullopt;
    return run;
}

std::optional<AbsenceRun> current_absence_run_in_school_days(const std::vector<AbsencePeriod>& absences,
                                                             std::string_view pupil, Day today,
                                                             const ConsecutiveAbsenceTrigger& trigger,
                                                             const SchoolCalendar& calendar, std::string_view brin,
                                                             std::string_view gemeentecode) {
    std::vector<const AbsencePeriod*> periods;
    Day earliest = today;
    for (const AbsencePeriod& p : absences) {
        if (p.pupil == pupil && p.from <= today) {
            periods.push_back(&p);
            earliest = std::min(earliest, p.from);
        }
    }
    if (periods.empty()) return std::nullopt;
    // 0: no absence, 1: only a kind that does not count, 2: counting absence.
    auto state = [&](Day day) {
        int s = 0;
        for (const AbsencePeriod* p : periods) {
            if (!covers(*p, day, today)) continue;
            if (detail::contains(trigger.not_counting, p->kind))
                s = std::max(s, 1);
            else
                return 2;
        }
        return s;
    };
    std::optional<AbsenceRun> run;
    bool first_school_day = true;
    for (Day day = today; day >= earliest; day -= std::chrono::days(1)) {
        if (!calendar.is_school_day(day, brin, gemeentecode)) continue;
        const int s = state(day);
        if (s == 0) {
            // Today's absence may not be reported yet: an open day at the end does not break the run.
            if (first_school_day && day == today) {
                first_school_day = false;
                continue;
            }
            break;
        }
        first_school_day = false;
        if (s == 1) continue;
        if (!run) run = AbsenceRun{day, 0, day};
        run->first_counted = day;
        ++run->counted_days;
    }
    return run;
}

}  // namespace eenplan::routeboek
