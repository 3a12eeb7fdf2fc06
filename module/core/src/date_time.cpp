#include "eenplan/core/date_time.hpp"

#include <cstdio>

namespace eenplan::date_time {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Exactly `count` digits at `at` as a number, or -1.
int digits(std::string_view text, std::size_t at, std::size_t count) {
    if (at + count > text.size()) return -1;
    int value = 0;
    for (std::size_t i = at; i < at + count; ++i) {
        if (!is_digit(text[i])) return -1;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

std::optional<std::chrono::year_month_day> make_day(int year, int month, int day) {
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
    const std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                                          std::chrono::day(static_cast<unsigned>(day))};
    if (!ymd.ok()) return std::nullopt;
    return ymd;
}

// full-time from `at` to the end of `text`.
bool full_time_at(std::string_view text, std::size_t at) {
    const int hour = digits(text, at, 2);
    if (hour < 0 || hour > 23 || at + 2 >= text.size() || text[at + 2] != ':') return false;
    const int minute = digits(text, at + 3, 2);
    if (minute < 0 || minute > 59 || at + 5 >= text.size() || text[at + 5] != ':') return false;
    const int second = digits(text, at + 6, 2);
    if (second < 0 || second > 60) return false;
    std::size_t i = at + 8;
    if (i < text.size() && text[i] == '.') {
        const std::size_t first = ++i;
        while (i < text.size() && is_digit(text[i])) ++i;
        if (i == first) return false;
    }
    if (i >= text.size()) return false;
    if (text[i] == 'Z' || text[i] == 'z') return i + 1 == text.size();
    if (text[i] != '+' && text[i] != '-') return false;
    const int offset_hour = digits(text, i + 1, 2);
    if (offset_hour < 0 || offset_hour > 23 || i + 3 >= text.size() || text[i + 3] != ':') return false;
    const int offset_minute = digits(text, i + 4, 2);
    return offset_minute >= 0 && offset_minute <= 59 && i + 6 == text.size();
}

// "YYYY-MM-DD" at the start of `text`.
std::optional<std::chrono::year_month_day> date_prefix(std::string_view text) {
    if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    return make_day(digits(text, 0, 4), digits(text, 5, 2), digits(text, 8, 2));
}

// One or two digits from `at`; advances `at`.
int short_number(std::string_view text, std::size_t& at) {
    int value = 0;
    std::size_t count = 0;
    while (at < text.size() && is_digit(text[at]) && count < 3) {
        value = value * 10 + (text[at] - '0');
        ++at;
        ++count;
    }
    return count == 1 || count == 2 ? value : -1;
}

bool is_date_separator(char c) { return c == '-' || c == '/' || c == '.'; }

}  // namespace

std::optional<std::chrono::year_month_day> parse_full_date(std::string_view text) {
    if (text.size() != 10) return std::nullopt;
    return date_prefix(text);
}

bool is_full_time(std::string_view text) { return full_time_at(text, 0); }

bool is_date_time(std::string_view text) {
    if (text.size() < 11 || !date_prefix(text)) return false;
    if (text[10] != 'T' && text[10] != 't') return false;
    return full_time_at(text, 11);
}

std::optional<std::chrono::year_month_day> parse_vendor_date(std::string_view text) {
    if (text.size() >= 10 && text[4] == '-') {
        if (text.size() > 10 && text[10] != 'T' && text[10] != ' ') return std::nullopt;
        return date_prefix(text);
    }
    std::size_t at = 0;
    const int day = short_number(text, at);
    if (day < 0 || at >= text.size() || !is_date_separator(text[at])) return std::nullopt;
    ++at;
    const int month = short_number(text, at);
    if (month < 0 || at >= text.size() || !is_date_separator(text[at])) return std::nullopt;
    ++at;
    if (text.size() != at + 4) return std::nullopt;
    return make_day(digits(text, at, 4), month, day);
}

std::string format_full_date(std::chrono::year_month_day day) {
    char out[48];
    std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(day.year()), static_cast<unsigned>(day.month()),
                  static_cast<unsigned>(day.day()));
    return out;
}

}  // namespace eenplan::date_time
