#include "eenplan/core/json_bounds.hpp"

#include <charconv>
#include <cmath>
#include <unordered_set>
#include <vector>

namespace eenplan::json_bounds {
namespace {

// Length of the well-formed UTF-8 sequence at `at` (RFC 3629 table), or 0.
std::size_t utf8_sequence(std::string_view text, std::size_t at) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(at);
    if (lead < 0x80) return 1;
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF)
        length = 2;
    else if (lead == 0xE0) {
        length = 3;
        low = 0xA0;
    } else if (lead >= 0xE1 && lead <= 0xEC)
        length = 3;
    else if (lead == 0xED) {
        length = 3;
        high = 0x9F;
    } else if (lead >= 0xEE && lead <= 0xEF)
        length = 3;
    else if (lead == 0xF0) {
        length = 4;
        low = 0x90;
    } else if (lead >= 0xF1 && lead <= 0xF3)
        length = 4;
    else if (lead == 0xF4) {
        length = 4;
        high = 0x8F;
    } else
        return 0;
    if (at + length > text.size()) return 0;
    if (byte(at + 1) < low || byte(at + 1) > high) return 0;
    for (std::size_t i = 2; i < length; ++i) {
        if (byte(at + i) < 0x80 || byte(at + i) > 0xBF) return 0;
    }
    return length;
}

bool is_number_char(char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

bool is_utf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t length = utf8_sequence(text, i);
        if (length == 0) return false;
        i += length;
    }
    return true;
}

std::optional<std::string> check(std::string_view json, const Limits& limits) {
    std::size_t depth = 0;
    // The keys seen in each open object (raw, as sent), or nullopt for an open array: RFC 8259
    // leaves duplicate names to the parser, and parsers differ, so they are refused.
    std::vector<std::optional<std::unordered_set<std::string_view>>> open;
    std::size_t i = 0;
    while (i < json.size()) {
        const char c = json[i];
        if (c == '\0') return "the body contains a NUL character";
        if (c == '"') {
            const std::size_t start = i++;
            bool closed = false;
            while (i < json.size()) {
                const char s = json[i];
                if (s == '"') {
                    closed = true;
                    ++i;
                    break;
                }
                if (s == '\0') return "the body contains a NUL character";
                if (s == '\\') {
                    if (i + 1 >= json.size()) break;
                    if (json[i + 1] == 'u' && json.substr(i + 2, 4) == "0000") {
                        return "a string contains a NUL character";
                    }
                    i += 2;
                    continue;
                }
                const std::size_t length = utf8_sequence(json, i);
                if (length == 0) return "the body is not valid UTF-8";
                i += length;
                if (i - start > limits.max_string_bytes) return "a string is longer than the service accepts";
            }
            if (!closed) return std::nullopt;  // unterminated: the parser says so
            if (i - start - 2 > limits.max_string_bytes) return "a string is longer than the service accepts";
            std::size_t next = i;
            while (next < json.size() && is_space(json[next])) ++next;
            if (next < json.size() && json[next] == ':' && !open.empty() && open.back()) {
                if (!open.back()->insert(json.substr(start, i - start)).second) return "an object repeats a key";
            }
            continue;
        }
        if (c == '[' || c == '{') {
            if (++depth > limits.max_depth) return "the JSON is nested deeper than the service accepts";
            if (c == '{')
                open.emplace_back(std::unordered_set<std::string_view>{});
            else
                open.emplace_back(std::nullopt);
        } else if (c == ']' || c == '}') {
            if (depth > 0) --depth;
            if (!open.empty()) open.pop_back();
        } else if (is_number_char(c)) {
            const std::size_t start = i;
            while (i < json.size() && is_number_char(json[i])) ++i;
            if (i - start > limits.max_number_chars) return "a number is longer than the service accepts";
            double value = 0;
            const auto [end, error] = std::from_chars(json.data() + start, json.data() + i, value);
            if (error == std::errc::result_out_of_range || (error == std::errc() && !std::isfinite(value))) {
                return "a number is outside the range the service accepts";
            }
            (void)end;
            continue;
        } else if (static_cast<unsigned char>(c) >= 0x80) {
            // Outside strings JSON text is ASCII (a byte order mark included, RFC 8259 section 8.1).
            return utf8_sequence(json, i) == 0 ? "the body is not valid UTF-8" : "the body is not JSON text";
        }
        ++i;
    }
    return std::nullopt;
}

}  // namespace eenplan::json_bounds
