// Typed reading of a school calendar document that its schema
// (schemas/calendar/school_calendar.schema.json) has accepted: real dates, no range ending before
// it starts, each municipality and school named once. Every problem names its JSON pointer.
// Shared by the service (service/routeboek/school_calendar_loader.*) and the Node-RED addon.
#pragma once

#include <yaml-cpp/yaml.h>

#include "eenplan/core/result.hpp"
#include "eenplan/core/routeboek/school_calendar.hpp"

namespace eenplan::readers {

// A value the schema lets through but the typed calendar cannot hold is a problem, never thrown.
Result<routeboek::SchoolCalendar> read_school_calendar(YAML::Node root);

}  // namespace eenplan::readers
