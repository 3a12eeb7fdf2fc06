// Running a routeboek scenario the way the plan worker would, and comparing what fired with what
// the scenario expects (scenario.hpp).
#include "eenplan/core/routeboek/scenario.hpp"

#include <algorithm>

namespace eenplan::routeboek {
namespace {

bool rule_matches(const std::string& rule, const std::string& expected) {
    if (expected.empty() || rule == expected) return true;
    // Without the routeboek's id: "escalation/consecutive_absence" matches "<id>/escalation/...".
    return rule.size() > expected.size() && rule.ends_with(expected) && rule[rule.size() - expected.size() - 1] == '/';
}

bool matches(const DatedDecision& dated, const Expectation& e) {
    const Decision& d = dated.decision;
    if (e.kind && d.kind != *e.kind) return false;
    if (!rule_matches(d.rule, e.rule)) return false;
    if (e.on && dated.on != *e.on) return false;
    if (e.not_before && dated.on < *e.not_before) return false;
    if (e.not_after && dated.on > *e.not_after) return false;
    if (!e.table.empty() && d.table != e.table) return false;
    if (!e.task_type.empty() && (!d.task || d.task->type != e.task_type)) return false;
    if (!e.recipient.empty() && (!d.task || d.task->recipient != e.recipient)) return false;
    if (!e.pupil.empty() && (!d.task || d.task->pupil != e.pupil)) return false;
    if (e.due && (!d.task || d.task->due != *e.due)) return false;
    return true;
}

// The same expectation without its dates: to say when it did fire instead.
Expectation undated(Expectation e) {
    e.on.reset();
    e.not_before.reset();
    e.not_after.reset();
    return e;
}

std::string failure(const Expectation& e, const std::vector<DatedDecision>& all, std::size_t found) {
    if (!e.fired) {
        const auto it = std::find_if(all.begin(), all.end(), [&](const DatedDecision& d) { return matches(d, e); });
        return "expected no " + describe(e) + ", but it fired: " + describe(*it);
    }
    if (e.count && found > 0) {
        return "expected " + describe(e) + " " + std::to_string(*e.count) + " time(s), but it fired " +
               std::to_string(found) + " time(s)";
    }
    std::string text = "expected " + describe(e) + ", but it did not fire";
    const Expectation any_day = undated(e);
    const auto it = std::find_if(all.begin(), all.end(), [&](const DatedDecision& d) { return matches(d, any_day); });
    if (it != all.end()) text += "; it fired on " + format_day(it->on) + " instead (" + it->decision.reason + ")";
    return text;
}

}  // namespace

ScenarioResult run_scenario(const Engine& engine, const Scenario& scenario) {
    ScenarioResult result;
    PlanState plan;
    plan.family_id = "scenario";
    plan.woongemeente = scenario.woongemeente;
    plan.pupils = scenario.pupils;
    if (scenario.signals.empty() && !scenario.until) return result;

    Day first = scenario.signals.empty() ? *scenario.until : scenario.signals.front().on;
    Day last = scenario.until.value_or(first);
    for (const SignalEvent& s : scenario.signals) {
        first = std::min(first, s.on);
        last = std::max(last, s.on);
    }
    auto keep = [&](Day day, const std::vector<Decision>& decisions) {
        for (const Decision& d : decisions) result.decisions.push_back({day, d});
    };
    // As the plan worker: a tick when the plan's next_check day has come (at the day's start),
    // then the signals of the day; the next check is recomputed after each.
    std::optional<Day> next_check;
    for (Day day = first; day <= last; day += std::chrono::days(1)) {
        if (next_check && *next_check <= day) {
            keep(day, engine.apply(plan, TickEvent{day}, day).value());
            next_check = engine.next_check(plan, day);
        }
        for (const SignalEvent& s : scenario.signals) {
            if (s.on != day) continue;
            keep(day, engine.apply(plan, s, day).value());
            next_check = engine.next_check(plan, day);
        }
    }

    for (const Expectation& e : scenario.expect) {
        const auto found = static_cast<std::size_t>(std::count_if(
            result.decisions.begin(), result.decisions.end(), [&](const DatedDecision& d) { return matches(d, e); }));
        const bool ok = !e.fired ? found == 0 : e.count ? found == static_cast<std::size_t>(*e.count) : found > 0;
        if (!ok) result.failures.push_back(failure(e, result.decisions, found));
    }
    return result;
}

std::string describe(const DatedDecision& dated) {
    const Decision& d = dated.decision;
    std::string text = format_day(dated.on) + " " + std::string(to_string(d.kind)) + " " + d.rule + ": " + d.reason;
    if (d.task) {
        text += " [" + d.task->type + " → " + d.task->recipient;
        if (!d.task->pupil.empty()) text += " for " + d.task->pupil;
        text += ", due " + format_day(d.task->due) + "]";
    } else if (!d.table.empty()) {
        text += " [" + d.table + "]";
    }
    return text;
}

std::string describe(const Expectation& e) {
    std::string text = e.kind ? std::string(to_string(*e.kind)) : std::string("decision");
    if (!e.rule.empty()) text += " " + e.rule;
    if (!e.task_type.empty()) text += " (task " + e.task_type + ")";
    if (!e.recipient.empty()) text += " for " + e.recipient;
    if (!e.pupil.empty()) text += " about " + e.pupil;
    if (!e.table.empty()) text += " at " + e.table;
    if (e.due) text += " due " + format_day(*e.due);
    if (e.on) text += " on " + format_day(*e.on);
    if (e.not_before) text += " not before " + format_day(*e.not_before);
    if (e.not_after) text += " not after " + format_day(*e.not_after);
    return text;
}

}  // namespace eenplan::routeboek
