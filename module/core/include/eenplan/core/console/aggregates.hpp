// The console's aggregate rules, kept pure so they can be tested without a store: small-cell
// suppression (with complementary suppression, so a hidden cell cannot be recovered from a total
// shown elsewhere), percentiles, the normalised cause of a failed delivery, and the keyset cursor
// of the integration log. docs/console-api.md states the suppression rule in words.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eenplan::console {

// No count below this is ever shown on the dashboard.
inline constexpr long long smallest_shown = 10;

// One count of a group. `hidden`: part of the group but never shown by itself (e.g. the failed
// attempts, which are the attempts less the successes): it counts as suppressed for the rule.
struct Cell {
    long long count = 0;
    bool hidden = false;
    bool suppressed = false;  // the answer: shown as null with "suppressed": true
};

// Small-cell suppression of one group of cells whose total is shown or can be derived (from the
// same answer or from another table of it):
//  1. primary: every cell below `smallest_shown` is suppressed (zero included: the rule is "no
//     count under 10", not "no small group of people");
//  2. complementary: the total less the shown cells gives the sum of the suppressed (and hidden)
//     cells, and exactly the one cell when only one of them holds people. While that sum is between
//     1 and smallest_shown - 1, the smallest shown cell is suppressed as well; so what can be
//     recovered is either nothing, or one cell of at least smallest_shown, or a sum of at least
//     smallest_shown over two or more cells (none of which can then be told apart);
//  3. when even that is not possible, the total itself is suppressed (returned true).
// Returns whether the total must be suppressed too (also when it is below smallest_shown).
bool suppress_group(std::vector<Cell>& cells);

// Convenience for a single count without a derivable total: suppressed below smallest_shown.
inline bool small(long long count) { return count < smallest_shown; }

// The nearest-rank percentile (p in (0, 100]) of `values`; nullopt when empty.
std::optional<double> percentile(std::vector<double> values, double p);

// The cause of a delivery's failure as a code that holds no free text: "blocked:<reason code>",
// "http_4xx", "http_5xx", "http_408", "http_429", "connection_refused", "timeout", "tls",
// "dns", "circuit_open", "no_answer" (status 0, anything else), "max_age" (dead letter without
// an attempt), "unknown". `state` is the delivery's, `status` its last HTTP status (0: none),
// `error` its last error sentence (only read, never copied).
std::string delivery_cause(std::string_view state, int status, std::string_view error);

// The integration log's keyset cursor: the (time, id) of the last row of a page, so the next page
// starts strictly after it without OFFSET. Encoded as "<at_us>.<id>" in base32 (lower case); ids are the
// hub's own (UUIDs, "<delivery>#<attempt>").
struct Cursor {
    std::int64_t at_us = 0;
    std::string id;
};
std::string encode_cursor(const Cursor& cursor);
// nullopt for anything encode_cursor did not make (bad base64, no '.', a bad number, an id with
// characters outside [0-9A-Za-z#_-] or longer than 100).
std::optional<Cursor> decode_cursor(std::string_view text);

// An instant (microseconds since the epoch, UTC) as RFC 3339 "YYYY-MM-DDThh:mm:ss.mmmZ".
std::string format_instant(std::int64_t at_us);
// An RFC 3339 date-time (any offset, fraction to microseconds) or a full-date (midnight UTC) as
// microseconds since the epoch; nullopt for anything else or a year outside 1970..9999.
std::optional<std::int64_t> parse_instant(std::string_view text);

}  // namespace eenplan::console
