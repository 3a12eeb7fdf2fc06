#include "eenplan/core/routeboek/calendar.hpp"

#include <charconv>
#include <algorithm>
#include <cstdio>

namespace eenplan::routeboek {
namespace {

bool number(std::string_view text, int& out) {
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && ptr == text.data() + text.size();
}

// The last Sunday of a month.
Day last_sunday(std::chrono::year y, std::chrono::month m) {
    return Day(std::chrono::year_month_weekday_last{y, m, std::chrono::weekday_last{std::chrono::Sunday}});
}

int digit(char c) { return c >= '0' && c <= '9' ? c - '0' : -1; }

// Two digits at `at`, or -1.
int two(std::string_view text, std::size_t at) {
    if (at + 2 > text.size()) return -1;
    const int a = digit(text[at]);
    const int b = digit(text[at + 1]);
    return a < 0 || b < 0 ? -1 : a * 10 + b;
}

}  // namespace

std::chrono::seconds amsterdam_offset(std::chrono::sys_seconds instant) {
    using namespace std::chrono;
    const year y = year_month_day(floor<days>(instant)).year();
    const sys_seconds summer_from = sys_seconds(last_sunday(y, March)) + hours(1);
    const sys_seconds summer_until = sys_seconds(last_sunday(y, October)) + hours(1);
    return instant >= summer_from && instant < summer_until ? hours(2) : hours(1);
}

Day dutch_day(std::chrono::sys_seconds instant) {
    return std::chrono::floor<std::chrono::days>(instant + amsterdam_offset(instant));
}

std::optional<std::chrono::sys_seconds> parse_instant(std::string_view text) {
    // full-date "T" hh ":" mm ":" ss [ "." 1*DIGIT ] ( "Z" / ( "+" / "-" ) hh ":" mm )
    if (text.size() < 20 || (text[10] != 'T' && text[10] != 't')) return std::nullopt;
    const auto date = parse_day(text.substr(0, 10));
    if (!date) return std::nullopt;
    const int hh = two(text, 11);
    const int mm = two(text, 14);
    const int ss = two(text, 17);
    if (text[13] != ':' || text[16] != ':' || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60) {
        return std::nullopt;
    }
    std::size_t at = 19;
    if (at < text.size() && text[at] == '.') {
        ++at;
        const std::size_t digits = at;
        while (at < text.size() && digit(text[at]) >= 0) ++at;
        if (at == digits) return std::nullopt;
    }
    if (at >= text.size()) return std::nullopt;
    int offset_minutes = 0;
    if (text[at] == 'Z' || text[at] == 'z') {
        ++at;
    } else if (text[at] == '+' || text[at] == '-') {
        const int oh = two(text, at + 1);
        const int om = two(text, at + 4);
        if (at + 6 != text.size() || text[at + 3] != ':' || oh < 0 || oh > 23 || om < 0 || om > 59) {
            return std::nullopt;
        }
        offset_minutes = (oh * 60 + om) * (text[at] == '-' ? -1 : 1);
        at += 6;
    } else {
        return std::nullopt;
    }
    if (at != text.size()) return std::nullopt;
    using namespace std::chrono;
    // A leap second is the last second of its minute.
    return sys_seconds(*date) + hours(hh) + minutes(mm) + seconds(std::min(ss, 59)) - minutes(offset_minutes);
}

std::optional<Day> parse_dutch_day(std::string_view text) {
    if (const auto instant = parse_instant(text)) return dutch_day(*instant);
    // A date, or a local time without an offset (as some vendors send): its date as written.
    return parse_day(text);
}

std::optional<Day> parse_day(std::string_view text) {
    if (text.size() > 10 && text[10] == 'T') text = text.substr(0, 10);
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    int y = 0;
    int m = 0;
    int d = 0;
    if (!number(text.substr(0, 4), y) || !number(text.substr(5, 2), m) || !number(text.substr(8, 2), d)) {
        return std::nullopt;
    }
    const std::chrono::year_month_day date{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(m)),
                                           std::chrono::day(static_cast<unsigned>(d))};
    if (!date.ok()) return std::nullopt;
    return Day(date);
}

std::string format_day(Day day) {
    const std::chrono::year_month_day date(day);
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    return text;
}

}  // namespace eenplan::routeboek
