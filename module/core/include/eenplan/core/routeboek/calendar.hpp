// Calendar days for the routeboek: terms are counted in days and weeks from a date, never from a
// clock read inside core (the caller passes "today").
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace eenplan::routeboek {

using Day = std::chrono::sys_days;

// "YYYY-MM-DD" (the first ten characters of an RFC 3339 timestamp are accepted too); nullopt if
// it is not a real date.
std::optional<Day> parse_day(std::string_view text);
std::string format_day(Day day);

inline Day add_days(Day day, int days) { return day + std::chrono::days(days); }
inline int days_between(Day from, Day to) { return static_cast<int>((to - from).count()); }

}  // namespace eenplan::routeboek
