// The console's aggregate rules (core/console/aggregates.hpp): small-cell suppression with
// complementary suppression, percentiles, the normalised cause of a failed delivery, the keyset
// cursor and the instants of the query.
#include <catch2/catch.hpp>

#include "eenplan/core/console/aggregates.hpp"

using namespace eenplan::console;

namespace {

std::vector<Cell> cells(std::initializer_list<long long> counts) {
    std::vector<Cell> out;
    for (long long c : counts) out.push_back({c});
    return out;
}

std::vector<bool> suppressed(const std::vector<Cell>& group) {
    std::vector<bool> out;
    for (const Cell& c : group) out.push_back(c.suppressed);
    return out;
}

}  // namespace

TEST_CASE("a count of 9 is suppressed, a count of 10 is shown", "[console]") {
    auto group = cells({10, 25, 13});
    CHECK_FALSE(suppress_group(group));
    CHECK(suppressed(group) == std::vector<bool>{false, false, false});

    auto small = cells({9});
    CHECK(suppress_group(small));  // the total is the one cell: below the threshold, suppressed too
    CHECK(small[0].suppressed);

    auto zero = cells({0, 40, 12});
    suppress_group(zero);
    CHECK(suppressed(zero) == std::vector<bool>{true, false, false});  // no count under 10, zero included
}

TEST_CASE("one suppressed cell takes the smallest shown cell with it", "[console]") {
    // Total 45 (derivable): 9 alone hidden would be 45 - 12 - 24.
    auto group = cells({12, 9, 24});
    CHECK_FALSE(suppress_group(group));
    CHECK(suppressed(group) == std::vector<bool>{true, true, false});
    long long hidden = 0;
    for (const Cell& c : group) hidden += c.suppressed ? c.count : 0;
    CHECK(hidden >= smallest_shown);
}

TEST_CASE("two small cells that together stay under 10 take another cell with them", "[console]") {
    auto group = cells({3, 4, 30, 15});
    suppress_group(group);
    // 3 + 4 = 7 is still a small count; the 15 goes too: 3 + 4 + 15 = 22.
    CHECK(suppressed(group) == std::vector<bool>{true, true, false, true});

    auto enough = cells({6, 7, 30});
    suppress_group(enough);
    CHECK(suppressed(enough) == std::vector<bool>{true, true, false});  // 13 hidden in two cells
}

TEST_CASE("a hidden complement protects like a suppressed cell", "[console]") {
    // 120 attempts, 115 succeeded: the 5 failures would follow from the total; succeeded goes.
    std::vector<Cell> group{{115}, {5, true}};
    CHECK_FALSE(suppress_group(group));
    CHECK(group[0].suppressed);

    // No failures at all: nothing small to recover.
    std::vector<Cell> clean{{115}, {0, true}};
    suppress_group(clean);
    CHECK_FALSE(clean[0].suppressed);

    // 40 failures, 40 successes: both large, all shown.
    std::vector<Cell> half{{40}, {40, true}};
    suppress_group(half);
    CHECK_FALSE(half[0].suppressed);
}

TEST_CASE("a group that cannot hide enough suppresses its total", "[console]") {
    std::vector<Cell> group{{4}, {3, true}};
    CHECK(suppress_group(group));
    CHECK(group[0].suppressed);
}

TEST_CASE("percentiles by nearest rank", "[console]") {
    CHECK_FALSE(percentile({}, 50));
    CHECK(*percentile({5}, 95) == 5);
    std::vector<double> values;
    for (int i = 1; i <= 100; ++i) values.push_back(101 - i);
    CHECK(*percentile(values, 50) == 50);
    CHECK(*percentile(values, 95) == 95);
    CHECK(*percentile(values, 100) == 100);
}

TEST_CASE("a failure's cause is a code, never its sentence", "[console]") {
    CHECK(delivery_cause("dead", 503, "HTTP 503 Service Unavailable; gave up") == "http_5xx");
    CHECK(delivery_cause("pending", 404, "HTTP 404") == "http_4xx");
    CHECK(delivery_cause("pending", 429, "") == "http_429");
    CHECK(delivery_cause("pending", 0, "Connection refused: 127.0.0.1:1") == "connection_refused");
    CHECK(delivery_cause("pending", 0, "Timeout") == "timeout");
    CHECK(delivery_cause("pending", 0, "SSL error: certificate verify failed") == "tls");
    CHECK(delivery_cause("dead", 0, "the receiver's circuit stayed open past the maximum age of 60 s; not sent") ==
          "circuit_open");
    CHECK(delivery_cause("blocked", 0, "blocked: no_agreement") == "blocked:no_agreement");
    // Whatever follows a code is not copied: a sentence with a name in it stops at the space.
    CHECK(delivery_cause("blocked", 0, "blocked: no_consent Jan Jansen 12-03-2015") == "blocked:no_consent");
    CHECK(delivery_cause("blocked", 0, "something else") == "blocked:unknown");
    CHECK(delivery_cause("pending", 0, "Jan Jansen, born 12-03-2015") == "no_answer");
}

TEST_CASE("the log's cursor goes there and back, and refuses anything else", "[console]") {
    const Cursor c{1764672000123456, "o_3f1c9a0e-1111-4222-8333-444455556666#3"};
    const auto back = decode_cursor(encode_cursor(c));
    REQUIRE(back);
    CHECK(back->at_us == c.at_us);
    CHECK(back->id == c.id);
    CHECK_FALSE(decode_cursor(""));
    CHECK_FALSE(decode_cursor("not base32!"));
    CHECK_FALSE(decode_cursor(encode_cursor({5, "x' OR 1=1 --"})));
    CHECK_FALSE(decode_cursor(encode_cursor({-5, "abc"})));
    CHECK_FALSE(decode_cursor(std::string(300, 'a')));
}

TEST_CASE("instants of the query and the answers", "[console]") {
    CHECK(format_instant(0) == "1970-01-01T00:00:00.000Z");
    CHECK(format_instant(1764676800123456) == "2025-12-02T12:00:00.123Z");
    CHECK(*parse_instant("2025-12-02") == 1764633600000000);
    CHECK(*parse_instant("2025-12-02T12:00:00Z") == 1764676800000000);
    CHECK(*parse_instant("2025-12-02T13:00:00.5+01:00") == 1764676800500000);
    CHECK_FALSE(parse_instant("2025-02-30"));
    CHECK_FALSE(parse_instant("yesterday"));
    CHECK_FALSE(parse_instant("1969-12-31"));
    CHECK_FALSE(parse_instant("2025-12-02T25:00:00Z"));
}
