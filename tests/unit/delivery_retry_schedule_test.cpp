// The retry schedule: Standard Webhooks delays with jitter, Retry-After, 410 Gone, attempts and
// maximum age; time and the jitter draw are passed in.
#include <catch2/catch.hpp>

#include "eenplan/core/delivery/retry_schedule.hpp"

using namespace eenplan::delivery;

namespace {
constexpr std::int64_t s = 1'000'000;
constexpr std::int64_t t0 = 1'800'000'000LL * s;
}  // namespace

SCENARIO("answers are classified", "[delivery]") {
    CHECK(classify(200) == AnswerKind::delivered);
    CHECK(classify(202) == AnswerKind::delivered);
    CHECK(classify(410) == AnswerKind::gone);
    for (int status : {0, 400, 401, 404, 408, 429, 500, 502, 503}) {
        INFO(status);
        CHECK(classify(status) == AnswerKind::retryable);
    }
}

SCENARIO("the default schedule follows Standard Webhooks", "[delivery]") {
    const RetryPolicy policy;
    const std::int64_t expected[] = {5, 300, 1800, 7200, 18000, 36000, 36000};
    GIVEN("no jitter (a draw of 0.5 lands on the scheduled delay)") {
        for (int attempt = 1; attempt <= 7; ++attempt) {
            const auto step = next_step(policy, attempt, t0, t0, {503, std::nullopt}, 0.5);
            INFO("attempt " << attempt);
            REQUIRE(step.kind == NextKind::retry);
            CHECK(step.next_attempt_at_us == t0 + expected[attempt - 1] * s);
        }
    }
    THEN("jitter spreads a delay over [0.8, 1.2) of it") {
        CHECK(next_step(policy, 2, t0, t0, {503, std::nullopt}, 0.0).next_attempt_at_us == t0 + 240 * s);
        const auto high = next_step(policy, 2, t0, t0, {503, std::nullopt}, 0.999999).next_attempt_at_us;
        CHECK(high > t0 + 359 * s);
        CHECK(high < t0 + 360 * s);
    }
    THEN("the eighth failure is the last: dead letter") {
        const auto step = next_step(policy, 8, t0, t0, {503, std::nullopt}, 0.5);
        CHECK(step.kind == NextKind::dead_letter);
        CHECK_FALSE(step.reason.empty());
    }
}

SCENARIO("a delivered answer ends the schedule", "[delivery]") {
    CHECK(next_step(RetryPolicy{}, 3, t0, t0, {202, std::nullopt}, 0.5).kind == NextKind::delivered);
    CHECK(next_step(RetryPolicy{}, 99, t0, t0, {200, std::nullopt}, 0.5).kind == NextKind::delivered);
}

SCENARIO("410 Gone goes to dead letter at once", "[delivery]") {
    const auto step = next_step(RetryPolicy{}, 1, t0, t0, {410, std::chrono::seconds(1)}, 0.5);
    CHECK(step.kind == NextKind::dead_letter);
    CHECK(step.reason.find("410") != std::string::npos);
}

SCENARIO("Retry-After replaces the scheduled delay, within a cap", "[delivery]") {
    RetryPolicy policy;
    THEN("a shorter wish is honoured") {
        CHECK(next_step(policy, 3, t0, t0, {503, std::chrono::seconds(2)}, 0.9).next_attempt_at_us == t0 + 2 * s);
    }
    THEN("a longer wish is honoured") {
        CHECK(next_step(policy, 1, t0, t0, {429, std::chrono::seconds(120)}, 0.1).next_attempt_at_us == t0 + 120 * s);
    }
    THEN("an absurd wish is capped") {
        policy.max_retry_after = std::chrono::seconds(600);
        policy.max_age = std::chrono::hours(1000);
        CHECK(next_step(policy, 1, t0, t0, {503, std::chrono::seconds(99999999)}, 0.1).next_attempt_at_us ==
              t0 + 600 * s);
    }
}

SCENARIO("a delivery past its maximum age goes to dead letter", "[delivery]") {
    RetryPolicy policy;
    policy.schedule = {std::chrono::seconds(10), std::chrono::seconds(10)};
    policy.max_age = std::chrono::seconds(15);
    policy.jitter = 0;
    CHECK(next_step(policy, 1, t0, t0 + 4 * s, {500, std::nullopt}, 0.5).kind == NextKind::retry);
    const auto late = next_step(policy, 2, t0, t0 + 6 * s, {500, std::nullopt}, 0.5);
    CHECK(late.kind == NextKind::dead_letter);
    CHECK(late.reason.find("maximum age") != std::string::npos);
    THEN("a per-connector schedule bounds the attempts") {
        policy.max_age = std::chrono::hours(1);
        CHECK(next_step(policy, 3, t0, t0, {500, std::nullopt}, 0.5).kind == NextKind::dead_letter);
    }
}
