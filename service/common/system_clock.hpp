// The service's clock in production: the system's UTC time. Everything that needs "now" or
// "today" is handed a Clock (eenplan/core/clock.hpp); this is the one place that reads the system.
#pragma once

#include <chrono>

#include "eenplan/core/clock.hpp"

namespace eenplan::service {

class SystemClock final : public Clock {
public:
    [[nodiscard]] Instant now() const override {
        return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
    }
};

// The one system clock of the process (stateless, so shared).
inline const Clock& system_clock() {
    static const SystemClock clock;
    return clock;
}

}  // namespace eenplan::service
