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
    Step(const Routeboek& routeboek, PlanState& plan, Day today, std::vector<Decision>& out,
         const SchoolCalendar* calendar = nullptr)
        : rb_(routeboek), plan_(plan), today_(today), out_(out), calendar_(calendar) {}

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

    [[nodiscard]] std::string rule(std::string_view name) const { return rb_.id + "/" + std::string(name); }
    [[nodiscard]] const Municipality* municipality() const { return rb_.municipality(plan_.woongemeente); }
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
    void start_escalation(const std::string& pupil, Day first_worrying, const std::string& rule,
                          const std::string& reason);
    [[nodiscard]] bool partial_trigger_met(const std::string& pupil) const;
    void de_escalation();

    // ladder.cpp: the woongemeente's ladder
    void step_up(const std::string& rule, const std::string& reason);
    void move_to(int position, const std::string& rule, const std::string& reason);

    // prevention.cpp
    void prevention();
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

    const Routeboek& rb_;
    PlanState& plan_;
    Day today_;
    std::vector<Decision>& out_;
    const SchoolCalendar* calendar_;
};

}  // namespace eenplan::routeboek::detail
