// Reads the school calendar (YAML, e.g. deploy/config/schoolvakanties-2026-2028.yaml), validates it
// against schemas/calendar/school_calendar.schema.json and then what a schema cannot say (real
// dates, no range ending before it starts, each municipality and school named once), and builds
// the core's SchoolCalendar. Every problem names its JSON pointer, so a wrong calendar stops the
// service before it starts, as a wrong routeboek does.
#pragma once

#include <string>

#include "eenplan/core/result.hpp"
#include "eenplan/core/routeboek/school_calendar.hpp"

namespace eenplan::service {

Result<routeboek::SchoolCalendar> parse_school_calendar(const std::string& yaml_text);
Result<routeboek::SchoolCalendar> load_school_calendar(const std::string& path);

}  // namespace eenplan::service
