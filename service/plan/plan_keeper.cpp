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

// Collects the rows of one application's decisions in `writes`: each decision, and a task and its
// delivery for every new or handed-over task; the caller saves the plan and writes them, inside its
// transaction. Returns how many deliveries it queued.
// The timeline's new lines (from `timeline_from` on) become rows of plan_decisions — a decision's
// line its decision's row, every other line a note — and leave the plan's JSON, which no longer
// grows with the timeline (the plan API reads it back with load_timeline).
static int record_outcome(soci::session& sql, const TextSealer& sealer, const TaskOutbox* outbox, Poco::Logger& logger,
                          PlanState& plan, const std::vector<Decision>& decisions, const PlanContext& context,
                          const std::string& decided_by, Day today, std::int64_t now_us, std::size_t timeline_from,
                          PlanWrites& writes) {
    int seq = 0;
    int queued = 0;
    DecisionRows& rows = writes.decisions;
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
            auto enqueued = outbox->enqueue_new(sql, draft, decided_by, now_us, task_id, writes.tasks);
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
            Batch batch;
            // Read: the signals (locked), their pupils' records, their families' plans (locked).
            const std::vector<ClaimedSignal> claimed = claim_signals(sql, database_.backend(), signal_ids);
            std::vector<std::string> pupils;
            for (const ClaimedSignal& signal : claimed) {
                if (!signal.signal.pupil_id.empty()) pupils.push_back(signal.signal.pupil_id);
            }
            const std::map<std::string, PlanContext> contexts = plan_contexts(sql, pupils, today, &cache);
            std::vector<std::string> families;
            for (const auto& [pupil, context] : contexts) families.push_back(context.family_id);
            read_plans(sql, batch, families);

            // Apply, in the order the signals came.
            std::vector<std::string> planned;
            for (const ClaimedSignal& signal : claimed) {
                const std::string& signal_id = signal.signal.signal_id;
                if (signal.signal.pupil_id.empty()) {
                    planned.push_back(signal_id);
                    ++outcome.applied;
                    continue;
                }
                PlanWrites writes;
                int queued = 0;
                bool stored_anything = false;
                try {
                    apply_signal(sql, cache, batch, signal, contexts.at(signal.signal.pupil_id), today, clock_.now_us(),
                                 writes, queued, stored_anything);
                } catch (const soci::soci_error&) {
                    throw;  // the transaction is spoilt on PostgreSQL (a conflict runs the batch again)
                } catch (const StoreUnavailable&) {
                    throw;
                } catch (const std::exception&) {
                    if (stored_anything) throw;  // not to be undone alone: the batch runs signal by signal
                    // Nothing of this signal stays: its family's plan is as the one before left it,
                    // its rows are dropped. It stays unplanned and is tried again next round, until
                    // it is parked. The signals after it go on: one bad signal must not hold up every family.
                    cache.clear();  // it may hold what the failed part read
                    outcome.failed.emplace_back(
                        signal_id, count_failure(sql, ParkedKind::signal, signal_id, max_attempts, clock_.now_us()));
                    continue;
                }
                batch.writes.append(std::move(writes));
                planned.push_back(signal_id);
                ++outcome.applied;
                outcome.queued += queued;
            }

            // Write: the plans, the decisions and tasks, the signals planned.
            PlanRows plans;
            for (const auto& [family, entry] : batch.plans) {
                if (!entry.changed || !entry.plan) continue;
                plans.save(*entry.plan, engine_.routeboek().id, engine_.next_check(*entry.plan, today), entry.existed,
                           entry.changed_at_us);
            }
            plans.write(sql, sealer_);
            batch.writes.insert(sql);
            mark_planned(sql, planned, clock_.now_us());
            return outcome;
        });
    });
}

void PlanKeeper::save(soci::session& sql, const PlanState& plan, Day today, std::int64_t now_us,
                      PlanWrites& writes) const {
    PlanRows rows;
    rows.save(plan, engine_.routeboek().id, engine_.next_check(plan, today), true, now_us);
    rows.write(sql, sealer_);
    writes.insert(sql);
}

void PlanKeeper::read_plans(soci::session& sql, Batch& batch, const std::vector<std::string>& families) {
    StoredPlans stored = load_plans(sql, sealer_, database_.backend(), families, true);
    for (const std::string& family : families) {
        BatchPlan& entry = batch.plans[family];
        if (auto it = stored.plans.find(family); it != stored.plans.end()) {
            entry.plan = std::move(it->second);
            entry.existed = true;
        } else if (auto why = stored.unreadable.find(family); why != stored.unreadable.end()) {
            entry.existed = true;
            entry.unreadable = why->second;
        }
    }
}

PlanKeeper::BatchPlan& PlanKeeper::plan_of(soci::session& sql, Batch& batch, const std::string& family_id) {
    // A family the batch did not read at its start (records read again): read it now.
    if (!batch.plans.contains(family_id)) read_plans(sql, batch, {family_id});
    return batch.plans.at(family_id);
}

void PlanKeeper::apply_signal(soci::session& sql, ResidenceCache& cache, Batch& batch, const ClaimedSignal& claimed,
                              PlanContext context, Day today, std::int64_t now_us, PlanWrites& writes, int& queued,
                              bool& stored) {
    // The decisions are stamped when their signal is applied, not when its batch began.
    const std::string& signal_id = claimed.signal.signal_id;
    const std::string& pupil_id = claimed.signal.pupil_id;
    BatchPlan* entry = &plan_of(sql, batch, context.family_id);
    // A cached woongemeente the plan disagrees with may be stale (a move applied by another
    // instance): read the records again.
    if (context.from_cache && entry->plan && !entry->plan->woongemeente.empty() &&
        context.woongemeente.value_or(entry->plan->woongemeente) != entry->plan->woongemeente) {
        cache.drop(context.family_id);
        context = plan_context(sql, pupil_id, today, &cache);
        entry = &plan_of(sql, batch, context.family_id);
    }
    if (!entry->unreadable.empty()) throw std::runtime_error(entry->unreadable);
    context.signal_id = signal_id;
    context.correlation_id = claimed.correlation_id;
    // The engine works on a copy: the family's plan in the batch changes only when the signal is applied whole.
    PlanState plan = entry->plan ? *entry->plan : PlanState{};
    plan.family_id = context.family_id;
    // Children that had a plan of their own before a household named their family: the family's
    // plan takes each of them over, not only the first (their rows go, their decisions follow).
    // Those stored are looked for once a batch; one this batch made is taken from it.
    bool siblings_read = entry->siblings_read;
    if (!context.family_id.starts_with("pupil-")) {
        for (const std::string& child : context.children) {
            const std::string own = "pupil-" + child;
            if (const auto it = batch.plans.find(own); it != batch.plans.end()) {
                if (!it->second.plan) continue;
                stored = true;
                if (it->second.existed) {
                    sql << "DELETE FROM plans WHERE family_id = :f", soci::use(own);
                    sql << "UPDATE plan_decisions SET family_id = :n WHERE family_id = :o",
                        soci::use(context.family_id), soci::use(own);
                }
                batch.writes.decisions.move_family(own, context.family_id);
                PlanState sibling = std::move(*it->second.plan);
                it->second = BatchPlan{};
                it->second.siblings_read = true;
                adopt_plan(plan, std::move(sibling));
            } else if (!siblings_read) {
                if (auto sibling = adopt_pupil_plan(sql, sealer_, database_.backend(), own, context.family_id)) {
                    stored = true;
                    adopt_plan(plan, std::move(*sibling));
                }
                batch.plans[own].siblings_read = true;  // none stored any more
            }
        }
        siblings_read = true;
    }
    // Lines from before the timeline moved to plan_decisions stay in the JSON.
    const std::size_t timeline_from = plan.timeline.size();
    StoredSignal signal = claimed.signal;
    signal.pupil_id = context.pupil_id;
    auto event = to_event(signal);
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
    queued = record_outcome(sql, sealer_, outbox_, logger_, plan, decisions, context, "routeboek", today, now_us,
                            timeline_from, writes);
    entry->plan = std::move(plan);
    entry->changed = true;
    entry->siblings_read = siblings_read;
    entry->changed_at_us = now_us;
    // A household or a move changes who belongs to a family and where it lives.
    if (event &&
        (event->signal.type() == SignalType::household_composition || event->signal.type() == SignalType::person_moved))
        cache.clear();
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
                    PlanWrites writes;
                    queued = record_outcome(sql, sealer_, outbox_, logger_, plan, decisions, context, "routeboek",
                                            today, now_us, timeline_from, writes);
                    save(sql, plan, today, now_us, writes);
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
            PlanWrites writes;
            queued_now = record_outcome(sql, sealer_, outbox_, logger_, plan, result.value(), context, deviation.by,
                                        today, now_us, timeline_from, writes);
            save(sql, plan, today, now_us, writes);
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
