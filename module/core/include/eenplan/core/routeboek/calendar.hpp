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

// Dates are Europe/Amsterdam: the Dutch civil date of an instant. CET (UTC+1), CEST (UTC+2) from
// 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October (EU summer
// time, Directive 2000/84/EC), computed by hand: no tz database, no clock read.
std::chrono::seconds amsterdam_offset(std::chrono::sys_seconds instant);
Day dutch_day(std::chrono::sys_seconds instant);
// The instant of an RFC 3339 date-time ("2026-12-01T23:30:00Z", "...+01:00", fractions allowed);
// nullopt if it is not one.
std::optional<std::chrono::sys_seconds> parse_instant(std::string_view text);
// The Dutch date of an RFC 3339 date-time; a bare "YYYY-MM-DD", or a date-time without an offset,
// is taken as the Dutch date it names.
std::optional<Day> parse_dutch_day(std::string_view text);

inline Day add_days(Day day, int days) { return day + std::chrono::days(days); }
inline int days_between(Day from, Day to) { return static_cast<int>((to - from).count()); }

}  // namespace eenplan::routeboek
