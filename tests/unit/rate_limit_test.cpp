// The token bucket behind the per-source rate limit: a burst at once, then the configured rate.
#include <catch2/catch.hpp>

#include "eenplan/core/policy/rate_limit.hpp"

using eenplan::policy::RateLimit;
using eenplan::policy::retry_after_seconds;
using eenplan::policy::TokenBucket;

namespace {
constexpr std::int64_t second = 1'000'000;
}

SCENARIO("a source may send its burst at once, then at its rate", "[security][ratelimit]") {
    GIVEN("a bucket of 3 filling at 2 per second") {
        TokenBucket bucket(RateLimit{2.0, 3.0}, 100 * second);
        WHEN("four requests arrive at the same moment") {
            THEN("three pass and the fourth is told to wait half a second") {
                CHECK(bucket.take(100 * second) == 0);
                CHECK(bucket.take(100 * second) == 0);
                CHECK(bucket.take(100 * second) == 0);
                CHECK(bucket.take(100 * second) == second / 2);
                CHECK(retry_after_seconds(second / 2) == 1);
            }
        }
        WHEN("the bucket is empty and half a second passes") {
            for (int i = 0; i < 3; ++i) REQUIRE(bucket.take(100 * second) == 0);
            THEN("one more request passes, and the next one waits") {
                CHECK(bucket.take(100 * second + second / 2) == 0);
                CHECK(bucket.take(100 * second + second / 2) > 0);
            }
        }
        WHEN("a long quiet time passes") {
            for (int i = 0; i < 3; ++i) REQUIRE(bucket.take(100 * second) == 0);
            THEN("the bucket holds no more than its burst") {
                CHECK(bucket.tokens(10'000 * second) == Approx(3.0));
                for (int i = 0; i < 3; ++i) CHECK(bucket.take(10'000 * second) == 0);
                CHECK(bucket.take(10'000 * second) > 0);
            }
        }
        WHEN("the clock steps back") {
            for (int i = 0; i < 3; ++i) REQUIRE(bucket.take(100 * second) == 0);
            THEN("no tokens appear from it") {
                CHECK(bucket.take(50 * second) > 0);
                CHECK(bucket.tokens(100 * second) < 1.0);
            }
        }
    }
    GIVEN("a slow bucket: one request per 100 seconds") {
        TokenBucket bucket(RateLimit{0.01, 1.0}, 0);
        REQUIRE(bucket.take(0) == 0);
        THEN("Retry-After is the whole wait, rounded up to seconds") {
            const std::int64_t wait = bucket.take(second / 4);
            CHECK(wait == Approx(99.75 * second).margin(2));
            CHECK(retry_after_seconds(wait) == 100);
        }
    }
}

TEST_CASE("Retry-After is whole seconds, at least 1", "[security][ratelimit]") {
    CHECK(retry_after_seconds(0) == 1);
    CHECK(retry_after_seconds(1) == 1);
    CHECK(retry_after_seconds(second) == 1);
    CHECK(retry_after_seconds(second + 1) == 2);
    CHECK(retry_after_seconds(INT64_MAX) > 0);
}
