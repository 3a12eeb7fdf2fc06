// The routeboek dry run (`eenplan-service --check-routeboek FILE --scenarios DIR`): every scenario
// file in DIR (schemas/routeboek/scenario.schema.json; each signal checked against the signal
// schema and read with the signal codec, as ingest does) is run through the engine with the
// routeboek FILE and, when given, the school calendar; per scenario it prints what fired and why,
// and every expectation that was not met as one sentence. A regional coordinator changes the
// routeboek and sees the effect before it goes live; the shipped scenarios are engine tests.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "eenplan/core/result.hpp"
#include "eenplan/core/routeboek/scenario.hpp"

namespace eenplan::service {

Result<routeboek::Scenario> parse_scenario(const std::string& yaml_text);
Result<routeboek::Scenario> load_scenario(const std::string& path);

struct RouteboekCheck {
    std::string routeboek_file;
    std::string scenarios_dir;
    std::optional<std::string> school_calendar_file;
};

// 0: every scenario met its expectations; 1: some did not; 2: a file could not be read or is
// invalid (named with its JSON pointer), or the directory holds no scenario.
int check_routeboek(const RouteboekCheck& check, std::ostream& out);

}  // namespace eenplan::service
