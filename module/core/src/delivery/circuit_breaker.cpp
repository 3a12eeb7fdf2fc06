#include "eenplan/core/delivery/circuit_breaker.hpp"

namespace eenplan::delivery {
namespace {

std::int64_t to_us(std::chrono::seconds s) { return static_cast<std::int64_t>(s.count()) * 1'000'000; }

}  // namespace

BreakerState CircuitBreaker::state(std::int64_t now_us) const {
    if (!open_) return BreakerState::closed;
    return now_us >= opened_at_us_ + to_us(settings_.open_duration) ? BreakerState::half_open : BreakerState::open;
}

std::int64_t CircuitBreaker::retry_at(std::int64_t now_us) const {
    if (state(now_us) != BreakerState::open) return now_us;
    return opened_at_us_ + to_us(settings_.open_duration);
}

bool CircuitBreaker::allow(std::int64_t now_us) {
    switch (state(now_us)) {
        case BreakerState::closed: return true;
        case BreakerState::open: return false;
        case BreakerState::half_open:
            if (probe_in_flight_) return false;
            probe_in_flight_ = true;
            return true;
    }
    return false;
}

void CircuitBreaker::record_success(std::int64_t) {
    consecutive_failures_ = 0;
    open_ = false;
    probe_in_flight_ = false;
}

void CircuitBreaker::record_failure(std::int64_t now_us) {
    ++consecutive_failures_;
    if (open_) {
        // A failed probe (or a late answer of an attempt started before it opened): stay open anew.
        if (probe_in_flight_ || state(now_us) != BreakerState::open) opened_at_us_ = now_us;
        probe_in_flight_ = false;
        return;
    }
    if (consecutive_failures_ >= settings_.failure_threshold) {
        open_ = true;
        opened_at_us_ = now_us;
        probe_in_flight_ = false;
    }
}

}  // namespace eenplan::delivery
