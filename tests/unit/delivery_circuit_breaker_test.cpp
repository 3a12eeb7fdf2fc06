// The per-recipient circuit breaker: closed, open after consecutive failures, one probe when the
// open period has passed, closed again on the probe's success.
#include <catch2/catch.hpp>

#include "eenplan/core/delivery/circuit_breaker.hpp"

using namespace eenplan::delivery;

namespace {
constexpr std::int64_t s = 1'000'000;
}

SCENARIO("a breaker opens after consecutive failures and probes after the open period", "[delivery]") {
    CircuitBreaker breaker({3, std::chrono::seconds(30)});
    std::int64_t now = 1000 * s;
    GIVEN("a closed breaker") {
        CHECK(breaker.state(now) == BreakerState::closed);
        CHECK(breaker.allow(now));
        WHEN("two failures are followed by a success") {
            breaker.record_failure(now);
            breaker.record_failure(now);
            breaker.record_success(now);
            breaker.record_failure(now);
            breaker.record_failure(now);
            THEN("it stays closed: only consecutive failures count") {
                CHECK(breaker.state(now) == BreakerState::closed);
            }
        }
        WHEN("three failures follow each other") {
            for (int i = 0; i < 3; ++i) breaker.record_failure(now);
            THEN("it is open and lets nothing through until the open period ends") {
                CHECK(breaker.state(now) == BreakerState::open);
                CHECK_FALSE(breaker.allow(now + 29 * s));
                CHECK(breaker.retry_at(now + 10 * s) == now + 30 * s);
            }
            AND_WHEN("the open period has passed") {
                const std::int64_t later = now + 30 * s;
                THEN("exactly one probe goes through") {
                    CHECK(breaker.state(later) == BreakerState::half_open);
                    CHECK(breaker.allow(later));
                    CHECK_FALSE(breaker.allow(later));
                }
                AND_WHEN("the probe succeeds") {
                    REQUIRE(breaker.allow(later));
                    breaker.record_success(later);
                    THEN("it is closed") {
                        CHECK(breaker.state(later) == BreakerState::closed);
                        CHECK(breaker.allow(later));
                    }
                }
                AND_WHEN("the probe fails") {
                    REQUIRE(breaker.allow(later));
                    breaker.record_failure(later + s);
                    THEN("it is open for another full period") {
                        CHECK(breaker.state(later + 2 * s) == BreakerState::open);
                        CHECK(breaker.retry_at(later + 2 * s) == later + 31 * s);
                        CHECK(breaker.allow(later + 31 * s));
                    }
                }
            }
        }
    }
}
