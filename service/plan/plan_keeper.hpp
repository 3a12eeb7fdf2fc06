// Runs the routeboek engine for the service: on every stored signal (oldest first, each once) and
// on the durable schedule (plans whose next_check day has come), one family at a time, each in a
// transaction that reads the plan, applies the engine, writes the plan and its decisions, and
// queues the tasks in the outbox. A crash leaves either all of it or none; the signal stays
// unplanned and is applied after the restart. Several instances may run: on PostgreSQL the
// signal row and the plan row are locked, and a conflict runs the transaction again.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <Poco/Logger.h>

#include "eenplan/core/clock.hpp"
#include "eenplan/core/result.hpp"
#include "eenplan/core/sealed_text.hpp"
#include "eenplan/core/routeboek/engine.hpp"
#include "ingest/signal_stored.hpp"
#include "observability/metrics.hpp"
#include "outbox/task_outbox.hpp"
#include "plan/plan_store.hpp"
#include "common/store_types.hpp"

namespace eenplan::service {

class PlanKeeper final : public SignalStoredSubscriber {
public:
    // `clock` gives the worker its "today" and "now"; the schedule runs every minute of it.
    // `sealer` seals the reasons in plans and decisions (plan/plan_store.hpp).
    PlanKeeper(Database& database, const routeboek::Routeboek& routeboek, const TaskOutbox* outbox, const Clock& clock,
               const TextSealer& sealer, Poco::Logger& logger, const routeboek::SchoolCalendar* calendar = nullptr);
    // With an engine of several routeboeken (per sector and region) and the school calendar.
    PlanKeeper(Database& database, routeboek::Engine engine, const TaskOutbox* outbox, const Clock& clock,
               const TextSealer& sealer, Poco::Logger& logger);
    ~PlanKeeper();
    PlanKeeper(const PlanKeeper&) = delete;
    PlanKeeper& operator=(const PlanKeeper&) = delete;

    // Applies up to `max` signals the engine has not seen, oldest first; returns how many.
    int apply_pending_signals(routeboek::Day today, int max, std::int64_t now_us);
    // Gives every plan whose next_check is on or before `today` its clock tick; returns how many.
    int apply_due(routeboek::Day today, int max, std::int64_t now_us);
    // A professional's deviation, with its reason. Problems: "/" when there is no such plan, or
    // the engine's refusal (/reason, /table, /days).
    Result<std::vector<routeboek::Decision>> override_plan(const std::string& family_id,
                                                           const routeboek::Override& deviation, routeboek::Day today,
                                                           std::int64_t now_us);
    std::optional<routeboek::PlanState> plan(const std::string& family_id);

    // The background worker: pending signals every second (and at once when woken), the schedule
    // every minute of the clock (a test moves the clock and wakes the worker instead of waiting).
    // Also runs both once at start, so plans due while the service was down are handled first.
    void start();
    void stop();
    // Wakes the worker now (after ingest stored a signal).
    void wake();
    // "signal stored": the new signal is applied now rather than on the next round.
    void signal_stored(const SignalStored&) noexcept override { wake(); }

    [[nodiscard]] const routeboek::Engine& engine() const noexcept { return engine_; }
    // How often a signal's family was found in the round's cache, and read from the records.
    [[nodiscard]] std::pair<std::uint64_t, std::uint64_t> residence_cache_counts() const noexcept {
        return {residence_cache_.hits, residence_cache_.misses};
    }

    // Failures: a signal or plan that failed `max_attempts` times is parked (passed over) until
    // an admin retries it; counted in the metrics when set.
    static constexpr int max_attempts = 5;
    void set_metrics(Metrics* metrics) { metrics_ = metrics; }
    std::vector<ParkedItem> parked(int max);
    int retry_parked();

private:
    void run();
    void note_failure(ParkedKind kind, const std::string& id, std::int64_t now_us);

    Database& database_;
    routeboek::Engine engine_;
    // The families' children and residence for one round of signals (the worker thread's only).
    ResidenceCache residence_cache_;
    const TaskOutbox* outbox_;
    const Clock& clock_;
    const TextSealer& sealer_;
    Poco::Logger& logger_;
    Metrics* metrics_ = nullptr;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable wakeup_;
    bool woken_ = false;
    std::atomic<bool> stopping_{false};
};

}  // namespace eenplan::service
