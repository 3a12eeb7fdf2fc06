#include "eenplan/core/delivery/retry_schedule.hpp"

#include <algorithm>

namespace eenplan::delivery {
namespace {

constexpr std::int64_t us_per_s = 1'000'000;

}  // namespace

AnswerKind classify(int status) {
    if (status >= 200 && status < 300) return AnswerKind::delivered;
    if (status == 410) return AnswerKind::gone;
    return AnswerKind::retryable;
}

NextStep next_step(const RetryPolicy& policy, int attempt, std::int64_t schedule_started_at_us, std::int64_t now_us,
                   const AttemptAnswer& answer, double random_unit) {
    switch (classify(answer.status)) {
        case AnswerKind::delivered: return {NextKind::delivered, 0, {}};
        case AnswerKind::gone:
            return {NextKind::dead_letter, 0, "the receiver answered 410 Gone: the endpoint no longer exists"};
        case AnswerKind::retryable: break;
    }
    const auto index = static_cast<std::size_t>(std::max(attempt, 1) - 1);
    if (index >= policy.schedule.size()) {
        return {NextKind::dead_letter, 0,
                "no attempts left: " + std::to_string(policy.schedule.size() + 1) + " attempts failed"};
    }
    std::int64_t delay_us = 0;
    if (answer.retry_after) {
        const auto wanted = std::clamp(*answer.retry_after, std::chrono::seconds(0), policy.max_retry_after);
        delay_us = static_cast<std::int64_t>(wanted.count()) * us_per_s;
    } else {
        const double unit = std::clamp(random_unit, 0.0, 1.0);
        const double factor = 1.0 - policy.jitter + 2.0 * policy.jitter * unit;
        delay_us = static_cast<std::int64_t>(static_cast<double>(policy.schedule[index].count()) * factor *
                                             static_cast<double>(us_per_s));
    }
    const std::int64_t next = now_us + std::max<std::int64_t>(delay_us, 0);
    const std::int64_t deadline = schedule_started_at_us + static_cast<std::int64_t>(policy.max_age.count()) * us_per_s;
    if (next > deadline) {
        return {
            NextKind::dead_letter, 0,
            "the next attempt would fall after the maximum age of " + std::to_string(policy.max_age.count()) + " s"};
    }
    return {NextKind::retry, next, {}};
}

}  // namespace eenplan::delivery
