#include "http/source_rate_limits.hpp"

#include "http/problem.hpp"

namespace eenplan::service {

SourceRateLimits::SourceRateLimits(const Config& config) {
    for (const SourceConfig& source : config.sources) {
        if (source.rate_limit) buckets_.emplace(source.id, policy::TokenBucket(*source.rate_limit, 0));
    }
}

std::int64_t SourceRateLimits::take(const std::string& source_id) {
    // Monotonic time, not the service's clock: the test-only manual clock must not freeze the buckets.
    const auto now_us =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - epoch_).count();
    const std::lock_guard lock(mutex_);
    const auto bucket = buckets_.find(source_id);
    if (bucket == buckets_.end()) return 0;
    return bucket->second.take(now_us);
}

bool admit_source(SourceRateLimits* limits, const std::string& source_id, Metrics& metrics,
                  Poco::Net::HTTPServerResponse& response) {
    if (limits == nullptr) return true;
    const std::int64_t wait_us = limits->take(source_id);
    if (wait_us == 0) return true;
    const std::int64_t seconds = policy::retry_after_seconds(wait_us);
    metrics.count_rate_limited(source_id);
    response.set("Retry-After", std::to_string(seconds));
    send_problem(response, ProblemType::rate_limited,
                 "this source sent more than its rate limit allows; nothing was stored; send again after " +
                     std::to_string(seconds) + " s",
                 {});
    return false;
}

}  // namespace eenplan::service
