#include "plan/plan_keeper.hpp"
#include "common/log_event.hpp"
#include "store/database.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "plan/plan_codec.hpp"
#include "plan/plan_store.hpp"
#include "plan/signal_events.hpp"
#include "record/pupil_store.hpp"
#include "store/write_transaction.hpp"

namespace eenplan::service {
namespace {

using namespace eenplan::routeboek;

// The outbox recipient of a routeboek recipient: organisations by their id, a school by its BRIN
// ("school:12AB" → "school-12ab").
std::string outbox_recipient(const std::string& recipient) {
    if (!recipient.starts_with("school:")) return recipient;
    std::string id = "school-" + recipient.substr(7);
    std::transform(id.begin(), id.end(), id.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return id;
}

}  // namespace

PlanKeeper::PlanKeeper(Database& database, const Routeboek& routeboek, const TaskOutbox* outbox, const Clock& clock,
                       const TextSealer& sealer, Poco::Logger& logger, const routeboek::SchoolCalendar* calendar)
    : database_(database),
      engine_(routeboek, calendar),
      outbox_(outbox),
      clock_(clock),
      sealer_(sealer),
      logger_(logger) {}

PlanKeeper::PlanKeeper(Database& database, Engine engine, const TaskOutbox* outbox, const Clock& clock,
                       const TextSealer& sealer, Poco::Logger& logger)
    : database_(database),
      engine_(std::move(engine)),
      outbox_(outbox),
      clock_(clock),
      sealer_(sealer),
      logger_(logger) {}

PlanKeeper::~PlanKeeper() { stop(); }

// Writes the decisions of one application: the plan, each decision, and a delivery for every new
// or handed-over task. Runs inside the caller's transaction; returns how many deliveries it queued.
// The timeline's new lines (from `timeline_from` on) become rows of plan_decisions — a decision's
// line its decision's row, every other line a note — and leave the plan's JSON, which no longer
// grows with the timeline (the plan API reads it back with load_timeline).
static int record_outcome(soci::session& sql, const TextSealer& sealer, const Engine& engine, const TaskOutbox* outbox,
                          Poco::Logger& logger, PlanState& plan, bool existed, const std::vector<Decision>& decisions,
                          const PlanContext& context, const std::string& decided_by, Day today, std::int64_t now_us,
                          std::size_t timeline_from) {
    int seq = 0;
    int queued = 0;
    DecisionRows rows;  // written with one statement below
    std::size_t next_decision = 0;
    // The engine writes a decision's timeline line when it decides: the lines and the decisions
    // come in the same order, and a line is its decision's when kind, rule and reason agree.
    const auto line_of = [](const TimelineEntry& e, const Decision& d) {
        return e.kind == to_string(d.kind) && e.rule == d.rule && e.reason == d.reason;
    };
    std::vector<std::pair<int, std::string>> decision_lines(decisions.size(), {-1, std::string()});
    for (std::size_t i = std::min(timeline_from, plan.timeline.size()); i < plan.timeline.size(); ++i) {
        const TimelineEntry& e = plan.timeline[i];
        if (next_decision < decisions.size() && line_of(e, decisions[next_decision])) {
            decision_lines[next_decision++] = {seq++, e.ref};
        } else {
            rows.note(sealer, plan.family_id, e, context.signal_id, decided_by, now_us, seq++);
        }
    }
    plan.timeline.resize(std::min(timeline_from, plan.timeline.size()));
    for (std::size_t n = 0; n < decisions.size(); ++n) {
        if (decision_lines[n].first < 0) decision_lines[n].first = seq++;
    }
    for (std::size_t n = 0; n < decisions.size(); ++n) {
        const Decision& decision = decisions[n];
        std::optional<std::string> delivery_id;
        const bool deliver =
            decision.task && (decision.kind == DecisionKind::task || decision.kind == DecisionKind::handover ||
                              decision.kind == DecisionKind::notify);
        // A decision about another child of the family than the signal's is addressed by that child's pseudonym.
        const std::string pseudonym =
            decision.task && !decision.task->pupil.empty() && decision.task->pupil != context.pupil_id
                ? pupil_pseudonym(sql, decision.task->pupil)
                : context.pupil_pseudonym;
        if (deliver && outbox && !pseudonym.empty()) {
            const Task& task = *decision.task;
            // What leaves the hub names neither the family nor the plan's own task id: those are the
            // same for every organisation and would let two of them join their data. The task gets
            // an id of its own, which is also its reference back to the hub (tasks.task_id; the
            // decision row below ties it to the plan).
            const std::string task_id = records::new_id();
            delivery::TaskDraft draft{task.type,
                                      outbox_recipient(task.recipient),
                                      pseudonym,
                                      format_day(task.due),
                                      decision.rule + ": " + decision.reason,
                                      "eenplan:task:" + task_id,
                                      context.correlation_id,
                                      task.facts};
            auto enqueued = outbox->enqueue_new(sql, draft, decided_by, now_us, task_id);
            if (enqueued) {
                delivery_id = enqueued.value().delivery_id;
                ++queued;
            } else {
                log_event(logger, Poco::Message::PRIO_WARNING, "plan", "plan.task_not_queued",
                          "task decided but not queued for delivery",
                          {{"family_id", plan.family_id},
                           {"task_id", task.id},
                           {"recipient_id", draft.recipient_id},
                           {"error", enqueued.problems().front().pointer + " " + enqueued.problems().front().detail}});
            }
        }
        rows.decision(sealer, plan.family_id, decision, today, context.signal_id, delivery_id, decided_by, now_us,
                      decision_lines[n].first, decision_lines[n].second);
        log_event(logger, Poco::Message::PRIO_INFORMATION, "plan", "plan.decision", "plan decision",
                  {{"family_id", plan.family_id},
                   {"kind", std::string(to_string(decision.kind))},
                   {"rule", decision.rule},
                   {"task_id", decision.task ? decision.task->id : std::string()},
                   {"correlation_id", context.correlation_id}});
    }
    rows.insert(sql);
    save_plan(sql, sealer, plan, engine.routeboek().id, engine.next_check(plan, today), existed, now_us);
    return queued;
}

int PlanKeeper::apply_pending_signals(Day today, int max) {
    ResidenceCache cache;
    return apply_pending(cache, 0, 1, today, max);
}

int PlanKeeper::apply_pending(ResidenceCache& cache, int index, int of, Day today, int max) {
    // The oldest pending signals of this worker's families. Another thread's (or instance's)
    // signals in the window are passed over; a window a few batches wide leaves each thread its share.
    const std::vector<UnplannedSignal> pending = database_.with_session(
        [&](soci::session& sql) { return unplanned_signals_by_family(sql, of == 1 ? max : max * of * 2); });
    std::vector<std::string> mine;
    for (const UnplannedSignal& signal : pending) {
        if (of > 1 && std::hash<std::string>{}(signal.family_key) % static_cast<std::size_t>(of) !=
                          static_cast<std::size_t>(index))
            continue;
        mine.push_back(signal.signal_id);
        if (static_cast<int>(mine.size()) >= max) break;
    }
    if (mine.empty()) return 0;
    BatchOutcome outcome;
    try {
        outcome = apply_batch(cache, mine, today);
    } catch (const StoreUnavailable&) {
        throw;
    } catch (const std::exception&) {
        // The batch failed as a whole (a conflict that kept coming back, a failed commit): each of
        // its signals in a transaction of its own, so only the failing one is counted.
        for (const std::string& signal_id : mine) {
            try {
                const BatchOutcome one = apply_batch(cache, {signal_id}, today);
                outcome.applied += one.applied;
                outcome.queued += one.queued;
                outcome.failed.insert(outcome.failed.end(), one.failed.begin(), one.failed.end());
            } catch (const StoreUnavailable&) {
                throw;
            } catch (const std::exception&) {
                note_failure(ParkedKind::signal, signal_id, clock_.now_us());
            }
        }
    }
    queued(outcome.queued);
    for (const auto& [signal_id, parked] : outcome.failed) report_failure(ParkedKind::signal, signal_id, parked);
    cache.clear();  // the next batch reads the records afresh
    return outcome.applied;
}

PlanKeeper::BatchOutcome PlanKeeper::apply_batch(ResidenceCache& cache, const std::vector<std::string>& signal_ids,
                                                 Day today) {
    return database_.with_session([&](soci::session& sql) {
        return in_write_transaction(sql, database_.backend(), [&] {
            // Run again after a conflict: nothing of the last attempt stands, nor may its cache.
            BatchOutcome outcome;
            cache.clear();
            for (const std::string& signal_id : signal_ids) {
                sql << "SAVEPOINT plan_signal";
                bool failed = false;
                try {
                    int queued = 0;
                    if (apply_signal(sql, cache, signal_id, today, queued) == Applied::applied) ++outcome.applied;
                    sql << "RELEASE SAVEPOINT plan_signal";
                    outcome.queued += queued;
                } catch (const soci::soci_error& error) {
                    // Another instance's plan or lock: the whole batch runs again (write_transaction.hpp).
                    if (is_retryable_conflict(error)) throw;
                    failed = true;
                } catch (const std::exception&) {
                    failed = true;
                }
                if (failed) {
                    // Nothing of this signal stays (a lost connection fails here and the batch with
                    // it); it stays unplanned and is tried again next round, until it is parked. The
                    // signals after it go on: one bad signal must not hold up every family.
                    sql << "ROLLBACK TO SAVEPOINT plan_signal";
                    sql << "RELEASE SAVEPOINT plan_signal";
                    cache.clear();  // it may hold what the rolled-back part read
                    outcome.failed.emplace_back(
                        signal_id, count_failure(sql, ParkedKind::signal, signal_id, max_attempts, clock_.now_us()));
                }
            }
            return outcome;
        });
    });
}

PlanKeeper::Applied PlanKeeper::apply_signal(soci::session& sql, ResidenceCache& cache, const std::string& signal_id,
                                             Day today, int& queued) {
    // The decisions are stamped when their signal is applied, not when its batch began.
    const std::int64_t now_us = clock_.now_us();
    auto claimed = claim_signal(sql, database_.backend(), signal_id);
    if (!claimed) return Applied::skipped;  // another instance applied it
    if (claimed->signal.pupil_id.empty()) {
        mark_planned(sql, signal_id, now_us);
        return Applied::applied;
    }
    const std::string pupil_id = claimed->signal.pupil_id;
    PlanContext context = plan_context(sql, pupil_id, today, &cache);
    auto loaded = load_plan(sql, sealer_, database_.backend(), context.family_id, true);
    // A cached woongemeente the plan disagrees with may be stale (a move applied by another
    // instance): read the records again.
    if (context.from_cache && loaded && !loaded->woongemeente.empty() &&
        context.woongemeente.value_or(loaded->woongemeente) != loaded->woongemeente) {
        cache.drop(context.family_id);
        context = plan_context(sql, pupil_id, today, &cache);
    }
    context.signal_id = signal_id;
    context.correlation_id = claimed->correlation_id;
    claimed->signal.pupil_id = context.pupil_id;
    const bool existed = loaded.has_value();
    PlanState plan = loaded ? std::move(*loaded) : PlanState{};
    plan.family_id = context.family_id;
    // Children that had a plan of their own before a household named their family: the family's
    // plan takes each of them over, not only the first (their rows go, their decisions follow; the
    // family's row is written below).
    adopt_sibling_plans(sql, sealer_, database_.backend(), context.family_id, plan,
                        context.family_id.starts_with("pupil-") ? nullptr : &context.children);
    // Lines from before the timeline moved to plan_decisions stay in the JSON.
    const std::size_t timeline_from = plan.timeline.size();
    auto event = to_event(claimed->signal);
    std::vector<Decision> decisions =
        refresh_residence(engine_, plan, context,
                          event && event->signal.school ? event->signal.school->gemeentecode : std::string(), today);
    if (event) {
        auto result = engine_.apply(plan, event.value(), today);
        decisions.insert(decisions.end(), result.value().begin(), result.value().end());
    } else {
        log_event(logger_, Poco::Message::PRIO_WARNING, "plan", "plan.signal_unreadable",
                  "stored signal cannot be read by the engine", {{"signal_id", signal_id}});
    }
    queued = record_outcome(sql, sealer_, engine_, outbox_, logger_, plan, existed, decisions, context, "routeboek",
                            today, now_us, timeline_from);
    mark_planned(sql, signal_id, now_us);
    // A household or a move changes who belongs to a family and where it lives.
    if (event &&
        (event->signal.type() == SignalType::household_composition || event->signal.type() == SignalType::person_moved))
        cache.clear();
    return Applied::applied;
}

int PlanKeeper::apply_due(Day today, int max, std::int64_t now_us) {
    const std::vector<std::string> due =
        database_.with_session([&](soci::session& sql) { return due_plans(sql, today, max); });
    int ticked = 0;
    int queued_total = 0;
    for (const std::string& family_id : due) {
        try {
            int queued = 0;
            const bool done = database_.with_session([&](soci::session& sql) {
                return in_write_transaction(sql, database_.backend(), [&]() -> bool {
                    auto loaded = load_plan(sql, sealer_, database_.backend(), family_id, true);
                    if (!loaded || !plan_is_due(sql, family_id, today)) return false;
                    PlanState plan = std::move(*loaded);
                    const std::size_t timeline_from = plan.timeline.size();
                    PlanContext context = plan_context_of_plan(sql, plan, today);
                    std::vector<Decision> decisions = refresh_residence(engine_, plan, context, {}, today);
                    auto result = engine_.apply(plan, TickEvent{today}, today);
                    decisions.insert(decisions.end(), result.value().begin(), result.value().end());
                    queued = record_outcome(sql, sealer_, engine_, outbox_, logger_, plan, true, decisions, context,
                                            "routeboek", today, now_us, timeline_from);
                    clear_failures(sql, ParkedKind::plan, family_id);
                    return true;
                });
            });
            if (done) {
                ++ticked;
                queued_total += queued;
            }
        } catch (const StoreUnavailable&) {
            throw;
        } catch (const std::exception&) {
            log_event(logger_, Poco::Message::PRIO_ERROR, "plan", "plan.tick_failed", "plan not ticked",
                      {{"family_id", family_id}});
            note_failure(ParkedKind::plan, family_id, now_us);
        }
    }
    queued(queued_total);
    return ticked;
}

Result<std::vector<Decision>> PlanKeeper::override_plan(const std::string& family_id, const Override& deviation,
                                                        Day today, std::int64_t now_us) {
    int queued_now = 0;
    auto outcome = database_.with_session([&](soci::session& sql) {
        return in_write_transaction(sql, database_.backend(), [&]() -> Result<std::vector<Decision>> {
            queued_now = 0;
            auto loaded = load_plan(sql, sealer_, database_.backend(), family_id, true);
            if (!loaded) return Problem{"/", "there is no plan for this family"};
            PlanState plan = std::move(*loaded);
            const std::size_t timeline_from = plan.timeline.size();
            auto result = engine_.apply(plan, OverrideEvent{deviation}, today);
            if (!result) return result.problems();
            PlanContext context = plan_context_of_plan(sql, plan, today);
            queued_now = record_outcome(sql, sealer_, engine_, outbox_, logger_, plan, true, result.value(), context,
                                        deviation.by, today, now_us, timeline_from);
            return result.value();
        });
    });
    queued(queued_now);
    return outcome;
}

void PlanKeeper::note_failure(ParkedKind kind, const std::string& id, std::int64_t now_us) {
    const char* kind_text = kind == ParkedKind::signal ? "signal" : "plan";
    bool parked = false;
    try {
        parked = database_.with_session([&](soci::session& sql) {
            return in_write_transaction(sql, database_.backend(),
                                        [&] { return count_failure(sql, kind, id, max_attempts, now_us); });
        });
    } catch (const std::exception&) {
        // Not counted this time (the store is unwell); the next failure is.
        log_event(logger_, Poco::Message::PRIO_WARNING, "plan", "plan.failure_not_counted", "failure not counted",
                  {{"kind", kind_text}});
        return;
    }
    report_failure(kind, id, parked);
}

void PlanKeeper::report_failure(ParkedKind kind, const std::string& id, bool parked) {
    const char* kind_text = kind == ParkedKind::signal ? "signal" : "plan";
    if (kind == ParkedKind::signal) {
        log_event(logger_, Poco::Message::PRIO_ERROR, "plan", "plan.signal_failed", "signal not applied to its plan",
                  {{"signal_id", id}});
    }
    if (metrics_ != nullptr) metrics_->observe_plan_failure(kind_text, parked);
    if (parked) {
        log_event(logger_, Poco::Message::PRIO_WARNING, "plan", "plan.parked",
                  "parked after repeated failures; retry with POST /v1/parked/retry",
                  {{"kind", kind_text}, {kind == ParkedKind::signal ? "signal_id" : "family_id", id}});
    }
}

std::vector<ParkedItem> PlanKeeper::parked(int max) {
    return database_.with_session([&](soci::session& sql) { return parked_items(sql, max); });
}

int PlanKeeper::retry_parked() {
    const int retried = database_.with_session([&](soci::session& sql) {
        return in_write_transaction(sql, database_.backend(), [&] { return service::retry_parked(sql); });
    });
    wake();
    return retried;
}

std::optional<PlanState> PlanKeeper::plan(const std::string& family_id) {
    return database_.with_session([&](soci::session& sql) -> std::optional<PlanState> {
        auto plan = load_plan(sql, sealer_, database_.backend(), family_id, false);
        if (!plan) return plan;
        // The timeline from plan_decisions after the lines still in the JSON (from before 0015),
        // in date order.
        std::vector<TimelineEntry> rows = load_timeline(sql, sealer_, family_id);
        plan->timeline.insert(plan->timeline.end(), std::make_move_iterator(rows.begin()),
                              std::make_move_iterator(rows.end()));
        std::stable_sort(plan->timeline.begin(), plan->timeline.end(),
                         [](const TimelineEntry& a, const TimelineEntry& b) { return a.at < b.at; });
        return plan;
    });
}

void PlanKeeper::set_workers(int workers, int batch_size) {
    worker_count_ = std::max(1, workers);
    batch_size_ = std::max(1, batch_size);
}

void PlanKeeper::start() {
    stopping_ = false;
    for (int i = 0; i < worker_count_; ++i) {
        auto worker = std::make_unique<Worker>();
        worker->index = i;
        workers_.push_back(std::move(worker));
    }
    for (const auto& worker : workers_) worker->thread = std::thread([this, w = worker.get()] { run(*w); });
}

void PlanKeeper::stop() {
    stopping_ = true;
    wake();
    for (const auto& worker : workers_) {
        if (worker->thread.joinable()) worker->thread.join();
    }
    workers_.clear();
}

void PlanKeeper::wake() {
    {
        std::lock_guard lock(mutex_);
        ++wake_generation_;
    }
    wakeup_.notify_all();
}

void PlanKeeper::run(Worker& worker) {
    std::optional<Clock::Instant> last_schedule;  // none yet: the schedule runs at start
    const int of = worker_count_;
    while (!stopping_) {
        {
            std::lock_guard lock(mutex_);
            worker.seen_wake = wake_generation_;  // a wake from here on means another round
        }
        const Clock::Instant now = clock_.now();  // one read: "now" and "today" agree
        const std::int64_t now_us = now.time_since_epoch().count();
        const Day today = dutch_day(std::chrono::floor<std::chrono::seconds>(now));
        try {
            // Batch after batch while this worker's families have pending signals.
            while (!stopping_ &&
                   apply_pending(worker.cache, worker.index, of,
                                 dutch_day(std::chrono::floor<std::chrono::seconds>(clock_.now())), batch_size_) > 0) {
            }
            // The schedule on the first thread. A clock set back (the system's, by NTP) runs it
            // too rather than pausing it.
            if (worker.index == 0 &&
                (!last_schedule || now - *last_schedule >= std::chrono::minutes(1) || now < *last_schedule)) {
                while (!stopping_ && apply_due(today, 500, now_us) > 0) {
                }
                last_schedule = now;
            }
        } catch (const std::exception& error) {
            // The database went away or a plan could not be written: nothing was committed for
            // the failing batch; try again on the next round.
            log_event(
                logger_, Poco::Message::PRIO_ERROR, "plan", "plan.worker_error", "plan worker round failed",
                {{"error", dynamic_cast<const StoreUnavailable*>(&error) ? "store unavailable" : "plan not applied"}});
        }
        std::unique_lock lock(mutex_);
        wakeup_.wait_for(lock, std::chrono::seconds(1),
                         [&] { return wake_generation_ != worker.seen_wake || stopping_.load(); });
    }
}

}  // namespace eenplan::service
