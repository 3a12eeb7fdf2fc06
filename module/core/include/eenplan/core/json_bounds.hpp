// A bounds pre-pass over JSON text from a sender, before any parser or schema sees it: nesting
// depth, the length of every string and number token, well-formed UTF-8 (RFC 8259 section 8.1),
// no NUL characters (PostgreSQL text cannot hold them), numbers a double can hold, and no object
// repeating a key (parsers disagree on which one counts). One linear
// pass without recursion, so hostile input costs at most its own length.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace eenplan::json_bounds {

struct Limits {
    std::size_t max_depth = 32;            // nested arrays and objects
    std::size_t max_string_bytes = 16384;  // one string token as sent, escapes included
    std::size_t max_number_chars = 40;     // one number token
};

// The first bound the text breaks, as a sentence without any of the text's content; nullopt when
// it keeps them all. Not a JSON parser: syntax errors beyond these bounds are the parser's.
std::optional<std::string> check(std::string_view json, const Limits& limits = {});

// Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
bool is_utf8(std::string_view text);

}  // namespace eenplan::json_bounds
