// Dates and times as senders write them, parsed by hand in one linear pass: no <regex> matcher (which
// in libstdc++ recurses once per character and crashes on long input) and no allocation.
// RFC 3339 section 5.6 for the JSON Schema formats "date", "time" and "date-time"; the vendor
// notations of the inbound adapters ("16-11-2026", "2026-11-16T08:30:00+01:00") beside them.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace eenplan::date_time {

// RFC 3339 full-date "YYYY-MM-DD" naming a real calendar day (leap years included).
std::optional<std::chrono::year_month_day> parse_full_date(std::string_view text);

// RFC 3339 full-time "hh:mm:ss[.frac](Z|+hh:mm|-hh:mm)"; a leap second (ss = 60) is accepted as
// RFC 3339 allows it.
bool is_full_time(std::string_view text);

// RFC 3339 date-time: full-date "T" full-time ("t" too, RFC 3339 section 5.6 NOTE).
bool is_date_time(std::string_view text);

// A vendor's date: an RFC 3339 full-date, optionally followed by "T" or " " and anything (the time
// part is dropped), or a Dutch day-month-year "D-M-YYYY" with "-", "/" or "." between the parts.
// nullopt unless it names a real day.
std::optional<std::chrono::year_month_day> parse_vendor_date(std::string_view text);

// "YYYY-MM-DD".
std::string format_full_date(std::chrono::year_month_day day);

}  // namespace eenplan::date_time
