// Login throttling (OWASP Authentication Cheat Sheet, "Login Throttling"): failed logins are
// counted per account and per client address; after `free_attempts` failures each further one
// doubles a delay (1 s, 2 s, 4 s, ... up to `max_lockout_seconds`) during which every login for that
// key is answered 429 with Retry-After, without looking at the password. A success clears the
// account's count. Kept in this process's memory: several instances each throttle on their own,
// which multiplies an attacker's budget by the instance count but never locks anyone out for good.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace eenplan::service {

class LoginThrottle {
public:
    LoginThrottle(int free_attempts, int max_lockout_seconds)
        : free_attempts_(free_attempts), max_lockout_us_(static_cast<std::int64_t>(max_lockout_seconds) * 1000000) {}

    // Whole seconds until `key` may try again; 0 when it may now.
    [[nodiscard]] int wait_seconds(const std::string& key, std::int64_t now_us) const;
    void failed(const std::string& key, std::int64_t now_us);
    void succeeded(const std::string& key);

private:
    struct Entry {
        int failures = 0;
        std::int64_t locked_until_us = 0;
        std::int64_t last_us = 0;
    };
    void prune(std::int64_t now_us);

    int free_attempts_;
    std::int64_t max_lockout_us_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace eenplan::service
