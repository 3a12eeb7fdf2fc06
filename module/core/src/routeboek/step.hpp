// One application of the routeboek engine (engine.hpp), shared by the rule families: each family
// lives in its own file (prevention, ladder, eigen team, jeugdbescherming, grensverkeer,
// reminders, overrides) and works on the same Step. Private to the core library.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eenplan/core/result.hpp"
#include "eenplan/core/routeboek/engine.hpp"

namespace eenplan::routeboek::detail {

inline bool contains(const std::vector<std::string>& list, std::string_view value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

// The routeboek, the plan, today, and the decisions so far.
class Step {
public:
    Step(const Engine& engine, PlanState& plan, Day today, std::vector<Decision>& out)
        : engine_(engine),
          rb_(&engine.routeboek()),
          plan_(plan),
          today_(today),
          out_(out),
          calendar_(engine.calendar()) {}

    // A signal: files it on the plan and dispatches on its type (std::visit: every type has a
    // handler, or this does not compile).
    void signal(const SignalEvent& event);
    // Only an override can be refused.
    Result<bool> override_(const Override& requested);
    // The rules that depend on the day rather than on a signal.
    void evaluate();

private:
    // One handler per signal type, in the file of the rule family it drives.
    void on(const EnrolmentStarted& started, const SignalEvent& event);  // registration.cpp
    void on(const EnrolmentEnded& ended, const SignalEvent& event);      // registration.cpp
    void on(const SupportStarted&, const SignalEvent&) {}
    void on(const HouseholdComposition&, const SignalEvent&) {}           // the record keeper files the family
    void on(const AbsenceReported& absence, const SignalEvent& event);    // escalation.cpp
    void on(const AttendancePartial& partial, const SignalEvent& event);  // escalation.cpp
    void on(const MdoHeld& mdo, const SignalEvent& event);                // ladder.cpp
    void on(const CaseRegistered& registered, const SignalEvent& event);  // ladder.cpp
    void on(const TableOutcome& outcome, const SignalEvent& event);       // ladder.cpp
    void on(const ConcernRaised& concern, const SignalEvent& event);      // eigen_team.cpp
    void on(const YouthcareStarted& started, const SignalEvent& event);   // jeugdbescherming.cpp
    void on(const YouthcareEnded& ended, const SignalEvent& event);       // jeugdbescherming.cpp
    void on(const PersonMoved& moved, const SignalEvent& event);          // grensverkeer.cpp
    void on(const ConsentGiven&, const SignalEvent&) {}                   // the privacy room records consent
    void on(const ConsentWithdrawn&, const SignalEvent&) {}

    // The routeboek a pupil follows (its school's sector, the family's woongemeente), and the one the
    // family's escalation follows: the escalated pupil's, else `pupil`'s.
    [[nodiscard]] const Routeboek& book_for(std::string_view pupil) const {
        const PupilInPlan* p = plan_.pupil(pupil);
        return p ? engine_.routeboek_for(*p, plan_.woongemeente) : engine_.routeboek();
    }
    [[nodiscard]] const Routeboek& family_book(std::string_view pupil) const {
        if (escalated()) return book_for(plan_.escalated_pupil);
        if (pupil.empty() && !plan_.pupils.empty()) return book_for(plan_.pupils.front().pupil);
        return book_for(pupil);
    }
    // Runs `f` with `book` as the routeboek its rules read (and name their rule after).
    template <typename F>
    void with_book(const Routeboek& book, F&& f) {
        const Routeboek* saved = rb_;
        rb_ = &book;
        f();
        rb_ = saved;
    }

    // Terms. With a school calendar the routeboek's weeks are school weeks (5 school days) and its
    // day terms for windows, reminders and attendance count school days (N days = N*5/7 school
    // days: 28 days are 4 school weeks, 20 school days) of the pupil's school; without one,
    // calendar days. Due-date terms (due_days, term_days) stay calendar days (open() moves a due
    // date off a day off).
    [[nodiscard]] const PupilInPlan* school_of(std::string_view pupil) const {
        const PupilInPlan* p = plan_.pupil(pupil);
        return p || plan_.pupils.empty() ? p : &plan_.pupils.front();
    }
    // The last day of week `weeks` counted from `first` (its first day): in school weeks, the
    // (5 × weeks)th school day from `first` on; otherwise `first` + 7 × weeks.
    [[nodiscard]] Day weeks_after(Day first, int weeks, std::string_view pupil) const {
        const PupilInPlan* p = school_of(pupil);
        if (!calendar_ || !p || weeks <= 0) return add_days(first, weeks * 7);
        return calendar_->add_school_days(
            calendar_->school_day_on_or_after(first, p->school_brin, p->school_gemeentecode), weeks * 5 - 1,
            p->school_brin, p->school_gemeentecode);
    }
    // The day a window of `days` ends back from `today` (see above).
    [[nodiscard]] Day days_back(Day today, int days, std::string_view pupil) const {
        const PupilInPlan* p = school_of(pupil);
        if (!calendar_ || !p) return add_days(today, -days);
        return calendar_->subtract_school_days(today, school_days(days), p->school_brin, p->school_gemeentecode);
    }
    // How many term days lie after `from` up to `today`.
    [[nodiscard]] int days_since(Day from, Day today, std::string_view pupil) const {
        const PupilInPlan* p = school_of(pupil);
        if (!calendar_ || !p) return days_between(from, today);
        return calendar_->school_days_between(from, today, p->school_brin, p->school_gemeentecode);
    }
    // A term of `days` in the unit days_back and days_since count in.
    [[nodiscard]] int term(int days) const { return calendar_ ? school_days(days) : days; }
    [[nodiscard]] std::string term_text(int days) const {
        return calendar_ ? std::to_string(school_days(days)) + " school days" : std::to_string(days) + " days";
    }
    static int school_days(int days) { return (days * 5 + 6) / 7; }

    [[nodiscard]] std::string rule(std::string_view name) const { return rb_->id + "/" + std::string(name); }
    [[nodiscard]] const Municipality* municipality() const { return rb_->municipality(plan_.woongemeente); }
    [[nodiscard]] bool escalated() const { return plan_.escalated_since.has_value(); }

    void note(std::string kind, std::string rule, std::string reason, std::string ref = {}) {
        plan_.timeline.push_back({today_, std::move(kind), std::move(rule), std::move(reason), std::move(ref)});
    }
    void decide(DecisionKind kind, const std::string& rule, const std::string& reason, std::string table = {},
                std::optional<Task> task = std::nullopt, std::string previous = {}) {
        note(std::string(to_string(kind)), rule, reason, task ? task->id : table);
        out_.push_back({kind, rule, reason, std::move(table), std::move(task), std::move(previous)});
    }

    // step.cpp: tasks and the plan's pupils
    std::string resolve(RecipientRole role, const std::string& organisation, const std::string& pupil,
                        const std::string& raiser) const;
    void open(const TaskTemplate& tmpl, const std::string& pupil, const std::string& rule, const std::string& reason,
              Day due, const std::string& table = {}, const std::string& raiser = {},
              const delivery::TaskFacts& facts = {});
    template <typename Pred>
    void close_tasks(Pred pred, const std::string& rule, const std::string& reason) {
        auto& tasks = plan_.open_tasks;
        for (auto it = tasks.begin(); it != tasks.end();) {
            if (pred(*it)) {
                const Task task = *it;
                it = tasks.erase(it);
                decide(DecisionKind::close_task, rule, reason, task.table, task);
            } else {
                ++it;
            }
        }
    }
    void update_pupil(const SignalEvent& event);

    // escalation.cpp: the escalation mark and de-escalation
    void escalation_triggers();
    void sibling_trigger(const PupilInPlan& pupil);
    std::optional<AbsenceRun> trigger_met(const PupilInPlan& pupil, std::string& reason) const;
    void start_escalation(const std::string& pupil, Day first_worrying, const std::string& rule,
                          const std::string& reason);
    [[nodiscard]] bool partial_trigger_met(const std::string& pupil) const;
    void de_escalation();

    // ladder.cpp: the woongemeente's ladder
    void step_up(const std::string& rule, const std::string& reason);
    void move_to(int position, const std::string& rule, const std::string& reason);

    // prevention.cpp
    void prevention();
    void prevention(const PupilInPlan& pupil);
    void concern_prevention(const ConcernRaised& concern, const SignalEvent& event);

    // eigen_team.cpp
    void eigen_team(const std::string& raiser, const std::string& pupil);

    // grensverkeer.cpp
    void moved(const std::string& gemeentecode, Day since);

    // reminders.cpp
    void reminders();

    // registration.cpp: enrolments to the woongemeente, pupils without a school, moves to the school
    void without_school();
    void tell_schools_of_move();
    void notify(const TaskTemplate& tmpl, const std::string& recipient, const std::string& pupil,
                const std::string& rule, const std::string& reason, delivery::TaskFacts facts);
    [[nodiscard]] Day window_end(const SchoolGap& gap) const;
    [[nodiscard]] std::string recipient_on(const TaskTemplate& tmpl, const SchoolRef& school, const std::string& pupil,
                                           Day day) const;

    const Engine& engine_;
    const Routeboek* rb_;  // the routeboek the rule now running reads: per pupil, or the family's
    PlanState& plan_;
    Day today_;
    std::vector<Decision>& out_;
    const SchoolCalendar* calendar_;
};

}  // namespace eenplan::routeboek::detail
