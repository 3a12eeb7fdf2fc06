// Per-source rate limits (sources[].rate_limit, else ingest.rate_limit): one token bucket per
// configured source, taken once a request is authenticated, so a stranger who knows a source's
// id cannot spend that source's budget. A refusal is 429 problem+json with Retry-After.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include <Poco/Net/HTTPServerResponse.h>

#include "config/config.hpp"
#include "eenplan/core/policy/rate_limit.hpp"
#include "observability/metrics.hpp"

namespace eenplan::service {

class SourceRateLimits {
public:
    explicit SourceRateLimits(const Config& config);

    // 0 when the source may send now (a token is taken), else the microseconds until it may.
    [[nodiscard]] std::int64_t take(const std::string& source_id);

private:
    std::mutex mutex_;
    std::map<std::string, policy::TokenBucket, std::less<>> buckets_;  // only configured sources
    std::chrono::steady_clock::time_point epoch_ = std::chrono::steady_clock::now();
};

// Takes a token for an authenticated source; when there is none, answers 429 with Retry-After,
// counts it by source and returns false. True without limits configured (`limits` null).
bool admit_source(SourceRateLimits* limits, const std::string& source_id, Metrics& metrics,
                  Poco::Net::HTTPServerResponse& response);

}  // namespace eenplan::service
