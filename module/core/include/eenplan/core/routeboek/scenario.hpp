// A routeboek scenario: a family, the signals that arrive day by day, and the decisions a regional
// coordinator expects the routeboek to make (or not to make). Running one (run_scenario) drives the
// engine as the plan worker does — a clock tick on every day the plan's next_check comes due, the
// day's signals after it — and compares what fired with what was expected, so a changed routeboek
// can be tried before it goes live (`eenplan-service --check-routeboek`). Pure: no I/O, no clock.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "eenplan/core/routeboek/engine.hpp"

namespace eenplan::routeboek {

// One expected (or forbidden) decision. Every field given must match; `rule` matches the rule
// with or without the routeboek's id in front ("escalation/consecutive_absence").
struct Expectation {
    bool fired = true;                 // false: no decision may match
    std::optional<DecisionKind> kind;  // task, escalate, notify, ...
    std::string rule;                  // empty: any rule
    std::optional<Day> on;             // exactly this day
    std::optional<Day> not_before;     // on or after this day
    std::optional<Day> not_after;      // on or before this day
    std::string task_type;             // the decision's task type
    std::string recipient;             // the task's recipient ("school:12AB", "gm0518-leerplicht")
    std::string pupil;                 // the task's pupil
    std::string table;                 // the decision's table
    std::optional<Day> due;            // the task's due date
    std::optional<int> count;          // exactly this many matches (fired: true)
};

struct Scenario {
    std::string name;
    std::string description;
    std::string woongemeente;
    std::vector<PupilInPlan> pupils;
    std::vector<SignalEvent> signals;  // in the order they arrive; each on its `on` day
    std::optional<Day> until;          // the last day to run (default: the last signal's day)
    std::vector<Expectation> expect;
};

struct DatedDecision {
    Day on;
    Decision decision;
};

struct ScenarioResult {
    std::vector<DatedDecision> decisions;  // everything that fired, in order
    std::vector<std::string> failures;     // one readable sentence per unmet expectation
    [[nodiscard]] bool passed() const { return failures.empty(); }
};

ScenarioResult run_scenario(const Engine& engine, const Scenario& scenario);

// "escalate 2027-01-29 haaglanden-po/escalation/consecutive_absence: <reason> [task → recipient, due]"
std::string describe(const DatedDecision& decision);
std::string describe(const Expectation& expectation);

}  // namespace eenplan::routeboek
