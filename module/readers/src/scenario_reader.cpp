#include "eenplan/readers/scenario_reader.hpp"

#include <algorithm>

namespace eenplan::readers {
using namespace eenplan::routeboek;

namespace {

std::optional<Day> date(const YAML::Node& node, const std::string& pointer, Problems& problems) {
    if (!node) return std::nullopt;
    auto day = parse_day(node.as<std::string>());
    if (!day) problems.push_back({pointer, "is not a date YYYY-MM-DD"});
    return day;
}

std::optional<DecisionKind> kind(const std::string& text) {
    for (const DecisionKind k :
         {DecisionKind::task, DecisionKind::escalate, DecisionKind::reminder, DecisionKind::de_escalate,
          DecisionKind::handover, DecisionKind::close_task, DecisionKind::override, DecisionKind::notify}) {
        if (to_string(k) == text) return k;
    }
    return std::nullopt;
}

std::string text(const YAML::Node& node) { return node ? node.as<std::string>() : std::string(); }

Expectation expectation(const YAML::Node& e, const std::string& at, Problems& problems) {
    Expectation out;
    if (e["fired"]) out.fired = e["fired"].as<bool>();
    if (e["kind"]) out.kind = kind(e["kind"].as<std::string>());
    out.rule = text(e["rule"]);
    out.on = date(e["on"], at + "/on", problems);
    out.not_before = date(e["not_before"], at + "/not_before", problems);
    out.not_after = date(e["not_after"], at + "/not_after", problems);
    out.task_type = text(e["task_type"]);
    out.recipient = text(e["recipient"]);
    out.pupil = text(e["pupil"]);
    out.table = text(e["table"]);
    out.due = date(e["due"], at + "/due", problems);
    if (e["count"]) out.count = e["count"].as<int>();
    if (out.count && !out.fired) problems.push_back({at + "/count", "cannot be combined with fired: false"});
    return out;
}

Result<Scenario> parse_valid_scenario(YAML::Node root, const SignalDecoder& decode) {
    Problems problems;
    Scenario scenario;
    scenario.name = root["scenario"].as<std::string>();
    scenario.description = text(root["description"]);
    const YAML::Node family = root["family"];
    scenario.woongemeente = family["woongemeente"].as<std::string>();
    const YAML::Node pupils = family["pupils"];
    for (std::size_t i = 0; i < pupils.size(); ++i) {
        const YAML::Node p = pupils[i];
        PupilInPlan pupil{p["id"].as<std::string>(), p["brin"].as<std::string>(), p["gemeentecode"].as<std::string>()};
        if (p["birth_year"]) pupil.birth_year = p["birth_year"].as<int>();
        pupil.sector = text(p["sector"]);
        if (scenario.pupils.end() != std::find_if(scenario.pupils.begin(), scenario.pupils.end(),
                                                  [&](const PupilInPlan& q) { return q.pupil == pupil.pupil; })) {
            problems.push_back(
                {"/family/pupils/" + std::to_string(i) + "/id", "names pupil " + pupil.pupil + " again"});
        }
        scenario.pupils.push_back(std::move(pupil));
    }
    const YAML::Node signals = root["signals"];
    for (std::size_t i = 0; i < signals.size(); ++i) {
        const std::string at = "/signals/" + std::to_string(i);
        const std::string pupil = signals[i]["pupil"].as<std::string>();
        if (!std::any_of(scenario.pupils.begin(), scenario.pupils.end(),
                         [&](const PupilInPlan& p) { return p.pupil == pupil; })) {
            problems.push_back({at + "/pupil", "is not one of the family's pupils"});
        }
        auto signal = decode(signals[i]["signal"], at + "/signal");
        if (!signal) {
            problems.insert(problems.end(), signal.problems().begin(), signal.problems().end());
            continue;
        }
        const auto on = signal->occurred_on();
        if (!on) {
            problems.push_back({at + "/signal/occurred_at", "is not a date-time"});
            continue;
        }
        scenario.signals.push_back({"scenario-signal-" + std::to_string(i + 1), pupil, *on, std::move(signal).value()});
    }
    // The engine sees signals in the order they arrive: by day, then as listed.
    std::stable_sort(scenario.signals.begin(), scenario.signals.end(),
                     [](const SignalEvent& a, const SignalEvent& b) { return a.on < b.on; });
    scenario.until = date(root["until"], "/until", problems);
    const YAML::Node expect = root["expect"];
    for (std::size_t i = 0; i < expect.size(); ++i)
        scenario.expect.push_back(expectation(expect[i], "/expect/" + std::to_string(i), problems));
    if (scenario.until && !scenario.signals.empty() && *scenario.until < scenario.signals.back().on) {
        problems.push_back({"/until", "lies before the last signal"});
    }
    if (scenario.until && !scenario.signals.empty() &&
        days_between(scenario.signals.front().on, *scenario.until) > 3 * 366) {
        problems.push_back({"/until", "lies more than three years after the first signal"});
    }
    if (!problems.empty()) return problems;
    return scenario;
}

}  // namespace

Result<Scenario> read_scenario(YAML::Node root, const SignalDecoder& decode) {
    try {
        return parse_valid_scenario(root, decode);
    } catch (const YAML::Exception& error) {
        return Problem{"", std::string("a value cannot be read as the scenario needs: ") + error.what()};
    }
}

}  // namespace eenplan::readers
