#include "eenplan/core/policy/rate_limit.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace eenplan::policy {

TokenBucket::TokenBucket(RateLimit limit, std::int64_t now_us)
    : limit_(limit), tokens_(limit.burst), updated_us_(now_us) {}

double TokenBucket::tokens(std::int64_t now_us) const {
    // A clock that steps back adds nothing (and takes nothing away).
    const double elapsed_s = now_us > updated_us_ ? static_cast<double>(now_us - updated_us_) / 1e6 : 0.0;
    return std::min(limit_.burst, tokens_ + elapsed_s * limit_.per_second);
}

std::int64_t TokenBucket::take(std::int64_t now_us) {
    tokens_ = tokens(now_us);
    updated_us_ = std::max(updated_us_, now_us);
    if (tokens_ >= 1.0) {
        tokens_ -= 1.0;
        return 0;
    }
    if (limit_.per_second <= 0.0) return std::numeric_limits<std::int64_t>::max();
    const double wait_us = std::ceil((1.0 - tokens_) / limit_.per_second * 1e6);
    constexpr double cap = 1e15;  // about 31 years: no overflow converting back
    return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::min(wait_us, cap)));
}

std::int64_t retry_after_seconds(std::int64_t wait_us) {
    if (wait_us <= 0) return 1;
    return std::max<std::int64_t>(1, wait_us / 1'000'000 + (wait_us % 1'000'000 != 0 ? 1 : 0));
}

}  // namespace eenplan::policy
