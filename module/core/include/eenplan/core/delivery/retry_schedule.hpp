// When to try a task delivery again, or to give up: the retry schedule as a pure function of the
// attempt count, the answer, and times passed in.
//
// The default follows the Standard Webhooks recommendation (spec "Retry schedule"): immediately,
// then after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h, each delay spread by a random factor
// (jitter) so that a receiver returning after an outage is not hit by every sender at once.
// A Retry-After answer replaces the scheduled delay (RFC 9110 §10.2.3); 410 Gone means the
// endpoint will not come back (RFC 9110 §15.5.11), so the delivery goes to dead letter at once.
// A delivery older than the maximum age, or out of attempts, goes to dead letter too.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace eenplan::delivery {

struct RetryPolicy {
    // Delay before the 2nd, 3rd, ... attempt; the first attempt is immediate. Its length bounds
    // the attempts: a delivery gets schedule.size() + 1 of them.
    std::vector<std::chrono::seconds> schedule{
        std::chrono::seconds(5), std::chrono::minutes(5), std::chrono::minutes(30), std::chrono::hours(2),
        std::chrono::hours(5),   std::chrono::hours(10),  std::chrono::hours(10)};
    std::chrono::seconds max_age = std::chrono::hours(48);          // from the first attempt's schedule start
    double jitter = 0.2;                                            // each delay times [1 - j, 1 + j)
    std::chrono::seconds max_retry_after = std::chrono::hours(24);  // a longer Retry-After is capped
};

// What one attempt brought back. status 0 means no HTTP answer (connection refused, timeout).
struct AttemptAnswer {
    int status = 0;
    std::optional<std::chrono::seconds> retry_after;
};

enum class AnswerKind { delivered, retryable, gone };

// 2xx delivered; 410 gone; everything else, including transport failures, is worth another try
// (Standard Webhooks: retry on any non-2xx; a receiver's 4xx is often a configuration fixed later).
AnswerKind classify(int status);

enum class NextKind { delivered, retry, dead_letter };

struct NextStep {
    NextKind kind;
    std::int64_t next_attempt_at_us = 0;  // for retry
    std::string reason;                   // for dead_letter: one sentence
};

// The step after attempt number `attempt` (1-based, counted since the schedule started at
// `schedule_started_at_us`) answered `answer` at `now_us`. `random_unit` in [0, 1) is the jitter
// draw, passed in so the function stays pure.
NextStep next_step(const RetryPolicy& policy, int attempt, std::int64_t schedule_started_at_us, std::int64_t now_us,
                   const AttemptAnswer& answer, double random_unit);

}  // namespace eenplan::delivery
