#include "eenplan/core/console/aggregates.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "eenplan/core/date_time.hpp"
#include "eenplan/core/encoding.hpp"

namespace eenplan::console {
namespace {

bool protected_enough(const std::vector<Cell>& cells) {
    long long sum = 0;
    int with_people = 0;
    int any = 0;
    for (const Cell& c : cells) {
        if (!c.suppressed && !c.hidden) continue;
        ++any;
        sum += c.count;
        if (c.count > 0) ++with_people;
    }
    if (any == 0 || with_people == 0) return true;  // nothing hidden, or only empty cells: nothing to recover
    // One cell with people among the hidden ones is recovered exactly from the total: fine only when
    // it is no small count. Several: only their sum is recovered, which must be no small count.
    return sum >= smallest_shown;
}

bool contains_ci(std::string_view text, std::string_view word) {
    if (word.size() > text.size()) return false;
    for (std::size_t i = 0; i + word.size() <= text.size(); ++i) {
        bool same = true;
        for (std::size_t j = 0; j < word.size() && same; ++j) {
            char a = text[i + j];
            if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
            same = a == word[j];
        }
        if (same) return true;
    }
    return false;
}

bool code_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

}  // namespace

bool suppress_group(std::vector<Cell>& cells) {
    long long total = 0;
    for (Cell& c : cells) {
        total += c.count;
        if (!c.hidden && c.count < smallest_shown) c.suppressed = true;
    }
    while (!protected_enough(cells)) {
        // The smallest cell still shown joins the suppressed ones.
        Cell* next = nullptr;
        for (Cell& c : cells) {
            if (c.hidden || c.suppressed) continue;
            if (next == nullptr || c.count < next->count) next = &c;
        }
        if (next == nullptr) return true;  // all hidden and still too small: the total goes too
        next->suppressed = true;
    }
    return total < smallest_shown;
}

std::optional<double> percentile(std::vector<double> values, double p) {
    if (values.empty()) return std::nullopt;
    std::sort(values.begin(), values.end());
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
    return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

std::string delivery_cause(std::string_view state, int status, std::string_view error) {
    if (state == "blocked") {
        // "blocked: <reason code>" (outbox/dispatcher.cpp); only a code's characters pass.
        std::string code;
        if (error.starts_with("blocked: ")) {
            for (char c : error.substr(9)) {
                if (!code_char(c) || code.size() >= 40) break;
                code += c;
            }
        }
        return "blocked:" + (code.empty() ? std::string("unknown") : code);
    }
    if (status == 408 || status == 429) return "http_" + std::to_string(status);
    if (status >= 100 && status <= 599) return "http_" + std::to_string(status / 100) + "xx";
    if (contains_ci(error, "circuit")) return "circuit_open";
    if (status == 0 && error.empty()) return state == "dead" ? "max_age" : "unknown";
    if (contains_ci(error, "refused")) return "connection_refused";
    if (contains_ci(error, "timed out") || contains_ci(error, "timeout")) return "timeout";
    if (contains_ci(error, "certificate") || contains_ci(error, "tls") || contains_ci(error, "ssl")) return "tls";
    if (contains_ci(error, "resolve") || contains_ci(error, "host not found") || contains_ci(error, "no address"))
        return "dns";
    if (contains_ci(error, "maximum age")) return "max_age";
    return "no_answer";
}

std::string encode_cursor(const Cursor& cursor) {
    const std::string plain = std::to_string(cursor.at_us) + "." + cursor.id;
    return base32_encode(as_bytes(plain));
}

std::optional<Cursor> decode_cursor(std::string_view text) {
    if (text.empty() || text.size() > 200) return std::nullopt;
    const auto bytes = base32_decode(text);
    if (!bytes) return std::nullopt;
    const std::string plain(bytes->begin(), bytes->end());
    const auto dot = plain.find('.');
    if (dot == std::string::npos || dot == 0) return std::nullopt;
    Cursor cursor;
    const auto [end, error] = std::from_chars(plain.data(), plain.data() + dot, cursor.at_us);
    if (error != std::errc() || end != plain.data() + dot || cursor.at_us < 0) return std::nullopt;
    cursor.id = plain.substr(dot + 1);
    if (cursor.id.empty() || cursor.id.size() > 100) return std::nullopt;
    for (char c : cursor.id) {
        const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
                        c == '_' || c == '#';
        if (!ok) return std::nullopt;
    }
    return cursor;
}

std::string format_instant(std::int64_t at_us) {
    using namespace std::chrono;
    const sys_time<microseconds> t{microseconds(at_us)};
    const auto day = floor<days>(t);
    const year_month_day ymd(day);
    const hh_mm_ss<microseconds> time(t - day);
    char out[40];
    std::snprintf(out, sizeof out, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                  static_cast<int>(time.seconds().count()), static_cast<int>(time.subseconds().count() / 1000));
    return out;
}

std::optional<std::int64_t> parse_instant(std::string_view text) {
    using namespace std::chrono;
    if (text.size() < 10 || text.size() > 40) return std::nullopt;
    const auto date = date_time::parse_full_date(text.substr(0, 10));
    if (!date || date->year() < year(1970)) return std::nullopt;
    std::int64_t us = duration_cast<microseconds>(sys_days(*date).time_since_epoch()).count();
    if (text.size() == 10) return us;
    if (!date_time::is_date_time(text)) return std::nullopt;
    auto number = [&](std::size_t at, std::size_t n) {
        int v = 0;
        for (std::size_t i = 0; i < n; ++i) v = v * 10 + (text[at + i] - '0');
        return v;
    };
    const int hh = number(11, 2), mm = number(14, 2), ss = std::min(number(17, 2), 59);
    us += (static_cast<std::int64_t>(hh) * 3600 + mm * 60 + ss) * 1'000'000;
    std::size_t at = 19;
    if (at < text.size() && text[at] == '.') {
        std::int64_t frac = 0;
        int digits = 0;
        for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at) {
            if (digits < 6) frac = frac * 10 + (text[at] - '0'), ++digits;
        }
        while (digits < 6) frac *= 10, ++digits;
        us += frac;
    }
    if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
        const std::int64_t offset =
            (static_cast<std::int64_t>(number(at + 1, 2)) * 3600 + number(at + 4, 2) * 60) * 1'000'000;
        us += text[at] == '+' ? -offset : offset;
    }
    if (us < 0) return std::nullopt;
    return us;
}

}  // namespace eenplan::console
