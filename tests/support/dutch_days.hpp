// Dates for tests of the plan worker, whose "today" is the Dutch date of the system clock.
#pragma once

#include <chrono>
#include <string>

#include "eenplan/core/routeboek/calendar.hpp"

namespace eenplan::testing {

// Today (Europe/Amsterdam) plus `days`, as YYYY-MM-DD.
inline std::string day_offset(int days) {
    const auto today = routeboek::dutch_day(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
    return routeboek::format_day(routeboek::add_days(today, days));
}

}  // namespace eenplan::testing
