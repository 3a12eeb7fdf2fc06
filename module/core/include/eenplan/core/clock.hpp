// The one way the hub learns the time: a Clock passed in to whoever needs "now" or "today". Core
// never reads a clock itself; the service passes the system clock, tests a ManualClock they move.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

#include "eenplan/core/routeboek/calendar.hpp"

namespace eenplan {

class Clock {
public:
    using Instant = std::chrono::sys_time<std::chrono::microseconds>;

    virtual ~Clock() = default;
    // The current instant (UTC).
    [[nodiscard]] virtual Instant now() const = 0;

    // The current instant in microseconds and in whole seconds since the Unix epoch, as the
    // store, the signatures and the tokens count.
    [[nodiscard]] std::int64_t now_us() const { return now().time_since_epoch().count(); }
    [[nodiscard]] std::int64_t now_s() const {
        return std::chrono::floor<std::chrono::seconds>(now()).time_since_epoch().count();
    }
    // Today's Dutch civil date (Europe/Amsterdam): the date schools, plans and terms count in.
    [[nodiscard]] routeboek::Day today() const {
        return routeboek::dutch_day(std::chrono::floor<std::chrono::seconds>(now()));
    }
};

// A clock that stands still until it is moved: tests advance it instead of sleeping. Whoever
// waits for time (a worker's schedule, a retry delay) can ask to be told when it moves.
class ManualClock final : public Clock {
public:
    explicit ManualClock(Instant start) : us_(start.time_since_epoch().count()) {}

    [[nodiscard]] Instant now() const override { return Instant(std::chrono::microseconds(us_.load())); }

    // Moves the clock forward by `step` (never back: a negative step is ignored) and tells the
    // listeners; returns the new instant.
    Instant advance(std::chrono::microseconds step) {
        if (step.count() > 0) us_.fetch_add(step.count());
        notify();
        return now();
    }
    // Sets the clock to `instant` if that is later than now; an earlier instant is ignored, so
    // time never runs backwards for the leases and schedules that count on it.
    Instant set(Instant instant) {
        std::int64_t current = us_.load();
        const std::int64_t target = instant.time_since_epoch().count();
        while (target > current && !us_.compare_exchange_weak(current, target)) {
        }
        notify();
        return now();
    }
    // `listener` is called (on the mover's thread) after every move. It must outlive the clock's
    // use, and must not move the clock itself.
    void on_advance(std::function<void()> listener) {
        std::lock_guard lock(mutex_);
        listeners_.push_back(std::move(listener));
    }

private:
    void notify() {
        std::vector<std::function<void()>> listeners;
        {
            std::lock_guard lock(mutex_);
            listeners = listeners_;
        }
        for (const auto& listener : listeners) listener();
    }

    std::atomic<std::int64_t> us_;
    std::mutex mutex_;
    std::vector<std::function<void()>> listeners_;
};

}  // namespace eenplan
