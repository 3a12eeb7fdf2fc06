// Runs the routeboek engine for the service: on every stored signal (oldest first, each once) and
// on the durable schedule (plans whose next_check day has come). Signals are applied in batches,
// one transaction each, with a statement per step for the whole batch rather than per signal: the
// signals, their pupils' records and the families' plans are read at the start, the engine runs on
// them in memory (a family's signals in order, each seeing the plan as the one before left it), and
// the plans, decisions, tasks and the signals' "planned" marks are written at the end, with one
// commit (one fsync). A signal the engine fails on is left out alone (its family's plan as it was
// before it; counted, parked after repeated failures); a failure in the store fails the batch, which
// then runs signal by signal so that only the failing one is counted. A crash leaves the whole
// batch or none of it; its signals stay unplanned and are applied after the restart. On PostgreSQL several worker
// threads apply signals side by side, each the families whose key hashes to it, so a family's
// signals are applied by one thread, in order. Several instances may run: the signal row and the
// plan row are locked, and a conflict runs the batch again.
#pragma once

#include <atomic>
#include <map>
#include <condition_variable>
#include <cstdint>
#include <memory>
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

    // Applies up to `max` signals the engine has not seen, oldest first, in one transaction;
    // returns how many. Each decision is stamped with the clock's time when its signal is applied.
    int apply_pending_signals(routeboek::Day today, int max);
    // Gives every plan whose next_check is on or before `today` its clock tick; returns how many.
    int apply_due(routeboek::Day today, int max, std::int64_t now_us);
    // A professional's deviation, with its reason. Problems: "/" when there is no such plan, or
    // the engine's refusal (/reason, /table, /days).
    Result<std::vector<routeboek::Decision>> override_plan(const std::string& family_id,
                                                           const routeboek::Override& deviation, routeboek::Day today,
                                                           std::int64_t now_us);
    std::optional<routeboek::PlanState> plan(const std::string& family_id);

    // Worker threads (at least 1) and the signals per transaction (at least 1). Before start().
    void set_workers(int workers, int batch_size);

    // The background workers: pending signals every second (and at once when woken), the schedule
    // every minute of the clock on the first thread (a test moves the clock and wakes the worker
    // instead of waiting). Also run both once at start, so plans due while the service was down are
    // handled first.
    void start();
    void stop();
    // Wakes the workers now (after ingest stored a signal).
    void wake();
    // "signal stored": the new signal is applied now rather than on the next round.
    void signal_stored(const SignalStored&) noexcept override { wake(); }

    [[nodiscard]] const routeboek::Engine& engine() const noexcept { return engine_; }

    // Failures: a signal or plan that failed `max_attempts` times is parked (passed over) until
    // an admin retries it; counted in the metrics when set.
    static constexpr int max_attempts = 5;
    void set_metrics(Metrics* metrics) { metrics_ = metrics; }
    std::vector<ParkedItem> parked(int max);
    int retry_parked();

private:
    // One worker thread: its share of the families, and its own cache of their records.
    struct Worker {
        int index = 0;
        // The families' children and residence for one batch of signals (this thread's only).
        ResidenceCache cache;
        std::thread thread;
        std::uint64_t seen_wake = 0;
    };
    // What one batch did, for after its commit.
    struct BatchOutcome {
        int applied = 0;
        int queued = 0;                                    // deliveries queued
        std::vector<std::pair<std::string, bool>> failed;  // signal, parked now
    };
    // A family's plan as a batch has it: read at its start, written at its end.
    struct BatchPlan {
        std::optional<routeboek::PlanState> plan;  // none yet (or taken over by its family's plan)
        bool existed = false;                      // stored before the batch
        bool changed = false;
        bool siblings_read = false;  // the stored plans of its children were looked for
        std::string unreadable;      // why the stored plan cannot be read
        std::int64_t changed_at_us = 0;
    };
    struct Batch {
        std::map<std::string, BatchPlan> plans;  // by family id
        PlanWrites writes;
    };

    void run(Worker& worker);
    // The pending signals of worker `index` of `of`, up to `max`, applied in one transaction.
    int apply_pending(ResidenceCache& cache, int index, int of, routeboek::Day today, int max);
    BatchOutcome apply_batch(ResidenceCache& cache, const std::vector<std::string>& signal_ids, routeboek::Day today);
    // Applies one signal to its family's plan in `batch`, its rows into `writes`. `stored` is set
    // once it has changed the store or another family's plan in the batch: a failure after that
    // cannot be left out alone.
    void apply_signal(soci::session& sql, ResidenceCache& cache, Batch& batch, const ClaimedSignal& claimed,
                      PlanContext context, routeboek::Day today, std::int64_t now_us, PlanWrites& writes, int& queued,
                      bool& stored);
    // The stored plans of these families (locked) into the batch.
    void read_plans(soci::session& sql, Batch& batch, const std::vector<std::string>& families);
    BatchPlan& plan_of(soci::session& sql, Batch& batch, const std::string& family_id);
    // A stored plan after a tick or an override, with the rows of its decisions.
    void save(soci::session& sql, const routeboek::PlanState& plan, routeboek::Day today, std::int64_t now_us,
              PlanWrites& writes) const;
    void note_failure(ParkedKind kind, const std::string& id, std::int64_t now_us);
    void report_failure(ParkedKind kind, const std::string& id, bool parked);
    // After a commit that queued deliveries: the outbox tells the dispatcher (TaskOutbox::queued).
    void queued(int deliveries) const {
        if (deliveries > 0 && outbox_ != nullptr) outbox_->queued();
    }

    Database& database_;
    routeboek::Engine engine_;
    const TaskOutbox* outbox_;
    const Clock& clock_;
    const TextSealer& sealer_;
    Poco::Logger& logger_;
    Metrics* metrics_ = nullptr;
    int worker_count_ = 1;
    int batch_size_ = 200;
    std::vector<std::unique_ptr<Worker>> workers_;
    std::mutex mutex_;
    std::condition_variable wakeup_;
    std::uint64_t wake_generation_ = 0;
    std::atomic<bool> stopping_{false};
};

}  // namespace eenplan::service
