// A token bucket: `burst` requests at once, then `per_second` on average. Each source has one, so
// that one misbehaving or compromised system cannot take the hub's capacity from the other ~40.
// A value with the time passed in; not thread-safe by itself.
#pragma once

#include <cstdint>

namespace eenplan::policy {

struct RateLimit {
    double per_second = 50.0;  // tokens added per second
    double burst = 500.0;      // the bucket's size, and what a new bucket starts with
};

class TokenBucket {
public:
    explicit TokenBucket(RateLimit limit, std::int64_t now_us = 0);

    // Takes one token when there is one: 0. Otherwise takes nothing and answers how many
    // microseconds until one will be there (at least 1).
    [[nodiscard]] std::int64_t take(std::int64_t now_us);

    [[nodiscard]] double tokens(std::int64_t now_us) const;

private:
    RateLimit limit_;
    double tokens_;
    std::int64_t updated_us_;
};

// Retry-After (RFC 9110 §10.2.3) is whole seconds: the wait rounded up, at least 1.
[[nodiscard]] std::int64_t retry_after_seconds(std::int64_t wait_us);

}  // namespace eenplan::policy
