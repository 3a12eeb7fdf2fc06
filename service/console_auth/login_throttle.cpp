#include "console_auth/login_throttle.hpp"

#include <algorithm>

namespace eenplan::service {
namespace {

// Beyond this many keys the ones quiet for longer than the longest lockout are forgotten, so a
// flood of made-up user names cannot grow the map without bound.
constexpr std::size_t prune_above = 100000;

}  // namespace

int LoginThrottle::wait_seconds(const std::string& key, std::int64_t now_us) const {
    const std::lock_guard lock(mutex_);
    const auto found = entries_.find(key);
    if (found == entries_.end() || found->second.locked_until_us <= now_us) return 0;
    return static_cast<int>((found->second.locked_until_us - now_us + 999999) / 1000000);
}

void LoginThrottle::failed(const std::string& key, std::int64_t now_us) {
    const std::lock_guard lock(mutex_);
    if (entries_.size() > prune_above) prune(now_us);
    Entry& entry = entries_[key];
    // A count from long ago (quiet for longer than the longest lockout) starts over.
    if (entry.last_us != 0 && now_us - entry.last_us > max_lockout_us_ * 2) entry = Entry{};
    ++entry.failures;
    entry.last_us = now_us;
    const int over = entry.failures - free_attempts_;
    if (over >= 0) {
        const std::int64_t delay = std::min<std::int64_t>(std::int64_t{1000000} << std::min(over, 30), max_lockout_us_);
        entry.locked_until_us = now_us + delay;
    }
}

void LoginThrottle::succeeded(const std::string& key) {
    const std::lock_guard lock(mutex_);
    entries_.erase(key);
}

void LoginThrottle::prune(std::int64_t now_us) {
    std::erase_if(entries_, [&](const auto& item) { return now_us - item.second.last_us > max_lockout_us_; });
}

}  // namespace eenplan::service
