#include "routeboek/routeboek_check.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <Poco/JSON/Object.h>
#include <yaml-cpp/yaml.h>

#include "codec/signal_json.hpp"
#include "eenplan/readers/scenario_reader.hpp"
#include "routeboek/routeboek_loader.hpp"
#include "routeboek/school_calendar_loader.hpp"
#include "validation/json_schema.hpp"
#include "validation/yaml_to_json.hpp"

namespace eenplan::service {
namespace {

using namespace eenplan::routeboek;

// A scenario's signal is checked exactly as a signal sent to the hub: the signal schema, then the
// codec with the rules the schema cannot express. A scenario names its pupils by its own ids and
// holds no personal data: a subject is refused, and for the schema (which wants one on a pupil's
// signal) a placeholder that passes the 11-proef stands in; it is never read or kept.
Result<Signal> decode_signal(const YAML::Node& node, const std::string& pointer) {
    if (node.IsMap() && node["subject"]) {
        return Problem{pointer + "/subject", "a scenario names its pupils by the scenario's ids; no subject (BSN)"};
    }
    const Poco::Dynamic::Var json = yaml_to_json(node);
    if (json.type() == typeid(Poco::JSON::Object::Ptr)) {
        Poco::JSON::Object::Ptr placeholder = new Poco::JSON::Object;
        placeholder->set("bsn", std::string("111222333"));
        Poco::JSON::Object::Ptr object = json.extract<Poco::JSON::Object::Ptr>();
        object->set("subject", placeholder);
    }
    Problems problems = JsonSchema::embedded("signals/signal.schema.json").validate(json);
    if (problems.empty()) {
        const auto object = json.extract<Poco::JSON::Object::Ptr>();
        auto signal = signal_json::from_request(*object);
        if (signal) return signal;
        problems = signal.problems();
    }
    for (Problem& p : problems) p.pointer = pointer + p.pointer;
    return problems;
}

std::optional<std::string> read_text(const std::string& path) {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void print_problems(std::ostream& out, const std::string& file, const Problems& problems) {
    for (const Problem& p : problems)
        out << file << ": " << (p.pointer.empty() ? "/" : p.pointer) << " " << p.detail << "\n";
}

}  // namespace

Result<Scenario> parse_scenario(const std::string& yaml_text) {
    Result<YAML::Node> root = load_checked_yaml(yaml_text, "routeboek/scenario.schema.json");
    if (!root) return root.problems();
    return readers::read_scenario(root.value(), decode_signal);
}

Result<Scenario> load_scenario(const std::string& path) {
    const auto text = read_text(path);
    if (!text) return Problem{"", "cannot be read"};
    return parse_scenario(*text);
}

int check_routeboek(const RouteboekCheck& check, std::ostream& out) {
    auto routeboek = load_routeboek(check.routeboek_file);
    if (!routeboek) {
        print_problems(out, check.routeboek_file, routeboek.problems());
        return 2;
    }
    std::optional<SchoolCalendar> calendar;
    if (check.school_calendar_file) {
        auto loaded = load_school_calendar(*check.school_calendar_file);
        if (!loaded) {
            print_problems(out, *check.school_calendar_file, loaded.problems());
            return 2;
        }
        calendar = std::move(loaded).value();
    }
    std::vector<std::filesystem::path> files;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(check.scenarios_dir, error)) {
        const auto ext = entry.path().extension();
        if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) files.push_back(entry.path());
    }
    if (error || files.empty()) {
        out << check.scenarios_dir << ": " << (error ? "cannot be read" : "holds no scenario (*.yaml)") << "\n";
        return 2;
    }
    std::sort(files.begin(), files.end());

    const Engine engine(routeboek.value(), calendar ? &*calendar : nullptr);
    out << "routeboek " << routeboek->id << " (" << routeboek->version << ", " << routeboek->sector << ")"
        << (calendar ? ", school calendar " + calendar->id : std::string(", calendar days (no school calendar)"))
        << ": " << files.size() << " scenario(s)\n";
    int passed = 0;
    int failed = 0;
    int invalid = 0;
    for (const auto& file : files) {
        const std::string name = file.filename().string();
        auto scenario = load_scenario(file.string());
        if (!scenario) {
            out << "\nINVALID " << name << "\n";
            print_problems(out, "  " + name, scenario.problems());
            ++invalid;
            continue;
        }
        const ScenarioResult result = run_scenario(engine, scenario.value());
        out << "\n" << (result.passed() ? "PASS " : "FAIL ") << scenario->name << " (" << name << ")\n";
        if (!scenario->description.empty()) out << "  " << scenario->description << "\n";
        out << "  what fired:\n";
        if (result.decisions.empty()) out << "    nothing\n";
        for (const DatedDecision& d : result.decisions) out << "    " << describe(d) << "\n";
        for (const std::string& f : result.failures) out << "  NOT MET: " << f << "\n";
        (result.passed() ? passed : failed) += 1;
    }
    out << "\n" << passed << " passed, " << failed << " failed, " << invalid << " invalid\n";
    if (invalid > 0) return 2;
    return failed > 0 ? 1 : 0;
}

}  // namespace eenplan::service
