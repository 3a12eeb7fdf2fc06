// A circuit breaker per recipient, so that one receiver that is down does not hold up deliveries
// to the others: after `failure_threshold` consecutive failures it opens and no attempt is made
// for `open_duration`; then it lets one probe through (half-open). The probe's success closes it,
// its failure opens it again. A state machine with the time passed in; not thread-safe by itself.
#pragma once

#include <chrono>
#include <cstdint>

namespace eenplan::delivery {

enum class BreakerState { closed, open, half_open };

struct BreakerSettings {
    int failure_threshold = 5;
    std::chrono::seconds open_duration{30};
};

class CircuitBreaker {
public:
    explicit CircuitBreaker(BreakerSettings settings = {}) : settings_(settings) {}

    // May an attempt start now? In half-open state only one attempt (the probe) is let through
    // until its outcome is recorded.
    bool allow(std::int64_t now_us);
    void record_success(std::int64_t now_us);
    void record_failure(std::int64_t now_us);

    [[nodiscard]] BreakerState state(std::int64_t now_us) const;
    // While open: when the next probe may go; otherwise now.
    [[nodiscard]] std::int64_t retry_at(std::int64_t now_us) const;

private:
    BreakerSettings settings_;
    int consecutive_failures_ = 0;
    bool open_ = false;
    std::int64_t opened_at_us_ = 0;
    bool probe_in_flight_ = false;
};

}  // namespace eenplan::delivery
