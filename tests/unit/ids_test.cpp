// The hub's ids: canonical UUIDs of version 7, so that rows made later sort later (their primary
// keys grow at the right edge of the B-tree), with enough randomness to stay unguessable.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "common/ids.hpp"

using eenplan::service::is_hub_id;
using eenplan::service::new_uuid;
using eenplan::service::new_uuid_at;

SCENARIO("ids the hub makes are time-ordered version 7 UUIDs", "[record]") {
    GIVEN("an id made at a known millisecond") {
        const std::string id = new_uuid_at(0x0192'3456'789aULL);
        THEN("it is a canonical UUID whose first 48 bits are that millisecond, version 7, variant 10") {
            CHECK(is_hub_id(id));
            CHECK(id.substr(0, 13) == "01923456-789a");
            CHECK(id[14] == '7');
            CHECK(std::string("89ab").find(id[19]) != std::string::npos);
        }
    }
    GIVEN("ids made one millisecond apart") {
        std::vector<std::string> ids;
        for (std::uint64_t ms = 1'700'000'000'000ULL; ms < 1'700'000'000'500ULL; ++ms) ids.push_back(new_uuid_at(ms));
        THEN("they sort in the order they were made") { CHECK(std::is_sorted(ids.begin(), ids.end())); }
    }
    GIVEN("many ids made in the same millisecond") {
        std::set<std::string> ids;
        for (int i = 0; i < 10000; ++i) ids.insert(new_uuid_at(1'700'000'000'000ULL));
        THEN("all differ: the random part is not derived from the time") { CHECK(ids.size() == 10000); }
    }
    GIVEN("an id made now") {
        const std::string before = new_uuid_at(1'700'000'000'000ULL), now = new_uuid();
        THEN("it is later than one made in 2023") {
            CHECK(is_hub_id(now));
            CHECK(now[14] == '7');
            CHECK(before < now);
        }
    }
}
