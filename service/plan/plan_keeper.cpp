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
// or handed-over task. Runs inside the caller's transaction.
// The timeline's new lines (from `timeline_from` on) become rows of plan_decisions — a decision's
// line its decision's row, every other line a note — and leave the plan's JSON, which no longer
// grows with the timeline (the plan API reads it back with load_timeline).
static void record_outcome(soci::session& sql, const TextSealer& sealer, const Engine& engine, const TaskOutbox* outbox,
                           Poco::Logger& logger, PlanState& plan, bool existed, const std::vector<Decision>& decisions,
                           const PlanContext& context, const std::string& decided_by, Day today, std::int64_t now_us,
                           std::size_t timeline_from) {
    int seq = 0;
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
            insert_timeline_note(sql, sealer, plan.family_id, e, context.signal_id, decided_by, now_us, seq++);
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
            auto enqueued = outbox->enqueue(sql, draft, decided_by, now_us, task_id);
            if (enqueued) {
                delivery_id = enqueued.value().delivery_id;
            } else {
                log_event(logger, Poco::Message::PRIO_WARNING, "plan", "plan.task_not_queued",
                          "task decided but not queued for delivery",
                          {{"family_id", plan.family_id},
                           {"task_id", task.id},
                           {"recipient_id", draft.recipient_id},
                           {"error", enqueued.problems().front().pointer + " " + enqueued.problems().front().detail}});
            }
        }
        insert_decision(sql, sealer, plan.family_id, decision, today, context.signal_id, delivery_id, decided_by,
                        now_us, decision_lines[n].first, decision_lines[n].second);
        log_event(logger, Poco::Message::PRIO_INFORMATION, "plan", "plan.decision", "plan decision",
                  {{"family_id", plan.family_id},
                   {"kind", std::string(to_string(decision.kind))},
                   {"rule", decision.rule},
                   {"task_id", decision.task ? decision.task->id : std::string()},
                   {"correlation_id", context.correlation_id}});
    }
    save_plan(sql, sealer, plan, engine.routeboek().id, engine.next_check(plan, today), existed, now_us);
}

int PlanKeeper::apply_pending_signals(Day today, int max, std::int64_t now_us) {
    const std::vector<std::string> pending =
        database_.with_session([&](soci::session& sql) { return unplanned_signals(sql, max); });
    int applied = 0;
    for (const std::string& signal_id : pending) {
        try {
            const bool done = database_.with_session([&](soci::session& sql) {
                return in_write_transaction(sql, database_.backend(), [&]() -> bool {
                    auto claimed = claim_signal(sql, database_.backend(), signal_id);
                    if (!claimed) return false;  // another instance applied it
                    if (claimed->signal.pupil_id.empty()) {
                        mark_planned(sql, signal_id, now_us);
                        return true;
                    }
                    const std::string pupil_id = claimed->signal.pupil_id;
                    PlanContext context = plan_context(sql, pupil_id, today, &residence_cache_);
                    auto loaded = load_plan(sql, sealer_, database_.backend(), context.family_id, true);
                    // A cached woongemeente the plan disagrees with may be stale (a move applied by
                    // another instance): read the records again.
                    if (context.from_cache && loaded && !loaded->woongemeente.empty() &&
                        context.woongemeente.value_or(loaded->woongemeente) != loaded->woongemeente) {
                        residence_cache_.drop(context.family_id);
                        context = plan_context(sql, pupil_id, today, &residence_cache_);
                    }
                    context.signal_id = signal_id;
                    context.correlation_id = claimed->correlation_id;
                    claimed->signal.pupil_id = context.pupil_id;
                    const bool existed = loaded.has_value();
                    PlanState plan = loaded ? std::move(*loaded) : PlanState{};
                    plan.family_id = context.family_id;
                    // Children that had a plan of their own before a household named their family:
                    // the family's plan takes each of them over, not only the first (their rows go,
                    // their decisions follow; the family's row is written below).
                    adopt_sibling_plans(sql, sealer_, database_.backend(), context.family_id, plan,
                                        context.family_id.starts_with("pupil-") ? nullptr : &context.children);
                    // Lines from before the timeline moved to plan_decisions stay in the JSON.
                    const std::size_t timeline_from = plan.timeline.size();
                    auto event = to_event(claimed->signal);
                    std::vector<Decision> decisions = refresh_residence(
                        engine_, plan, context,
                        event && event->signal.school ? event->signal.school->gemeentecode : std::string(), today);
                    if (event) {
                        auto result = engine_.apply(plan, event.value(), today);
                        decisions.insert(decisions.end(), result.value().begin(), result.value().end());
                    } else {
                        log_event(logger_, Poco::Message::PRIO_WARNING, "plan", "plan.signal_unreadable",
                                  "stored signal cannot be read by the engine", {{"signal_id", signal_id}});
                    }
                    record_outcome(sql, sealer_, engine_, outbox_, logger_, plan, existed, decisions, context,
                                   "routeboek", today, now_us, timeline_from);
                    mark_planned(sql, signal_id, now_us);
                    // A household or a move changes who belongs to a family and where it lives.
                    if (event && (event->signal.type() == SignalType::household_composition ||
                                  event->signal.type() == SignalType::person_moved))
                        residence_cache_.clear();
                    return true;
                });
            });
            if (done) ++applied;
        } catch (const StoreUnavailable&) {
            throw;
        } catch (const std::exception&) {
            // Nothing of this signal was committed; it stays unplanned and is tried again next
            // round, until it is parked. The signals after it go on: one bad signal must not hold
            // up every family.
            log_event(logger_, Poco::Message::PRIO_ERROR, "plan", "plan.signal_failed",
                      "signal not applied to its plan", {{"signal_id", signal_id}});
            note_failure(ParkedKind::signal, signal_id, now_us);
        }
    }
    residence_cache_.clear();  // the next round reads the records afresh
    return applied;
}

int PlanKeeper::apply_due(Day today, int max, std::int64_t now_us) {
    const std::vector<std::string> due =
        database_.with_session([&](soci::session& sql) { return due_plans(sql, today, max); });
    int ticked = 0;
    for (const std::string& family_id : due) {
        try {
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
                    record_outcome(sql, sealer_, engine_, outbox_, logger_, plan, true, decisions, context, "routeboek",
                                   today, now_us, timeline_from);
                    clear_failures(sql, ParkedKind::plan, family_id);
                    return true;
                });
            });
            if (done) ++ticked;
        } catch (const StoreUnavailable&) {
            throw;
        } catch (const std::exception&) {
            log_event(logger_, Poco::Message::PRIO_ERROR, "plan", "plan.tick_failed", "plan not ticked",
                      {{"family_id", family_id}});
            note_failure(ParkedKind::plan, family_id, now_us);
        }
    }
    return ticked;
}

Result<std::vector<Decision>> PlanKeeper::override_plan(const std::string& family_id, const Override& deviation,
                                                        Day today, std::int64_t now_us) {
    return database_.with_session([&](soci::session& sql) {
        return in_write_transaction(sql, database_.backend(), [&]() -> Result<std::vector<Decision>> {
            auto loaded = load_plan(sql, sealer_, database_.backend(), family_id, true);
            if (!loaded) return Problem{"/", "there is no plan for this family"};
            PlanState plan = std::move(*loaded);
            const std::size_t timeline_from = plan.timeline.size();
            auto result = engine_.apply(plan, OverrideEvent{deviation}, today);
            if (!result) return result.problems();
            PlanContext context = plan_context_of_plan(sql, plan, today);
            record_outcome(sql, sealer_, engine_, outbox_, logger_, plan, true, result.value(), context, deviation.by,
                           today, now_us, timeline_from);
            return result.value();
        });
    });
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

void PlanKeeper::start() {
    stopping_ = false;
    thread_ = std::thread([this] { run(); });
}

void PlanKeeper::stop() {
    stopping_ = true;
    wake();
    if (thread_.joinable()) thread_.join();
}

void PlanKeeper::wake() {
    {
        std::lock_guard lock(mutex_);
        woken_ = true;
    }
    wakeup_.notify_one();
}

void PlanKeeper::run() {
    std::optional<Clock::Instant> last_schedule;  // none yet: the schedule runs at start
    while (!stopping_) {
        const Clock::Instant now = clock_.now();  // one read: "now" and "today" agree
        const std::int64_t now_us = now.time_since_epoch().count();
        const Day today = dutch_day(std::chrono::floor<std::chrono::seconds>(now));
        try {
            // The clock is read again for each batch of 50: under a backlog the decisions of later
            // batches are stamped when they are made, not when the round began.
            for (auto batch = now; !stopping_; batch = clock_.now()) {
                if (apply_pending_signals(dutch_day(std::chrono::floor<std::chrono::seconds>(batch)), 50,
                                          batch.time_since_epoch().count()) == 0) {
                    break;
                }
            }
            // A clock set back (the system's, by NTP) runs the schedule too rather than pausing it.
            if (!last_schedule || now - *last_schedule >= std::chrono::minutes(1) || now < *last_schedule) {
                while (!stopping_ && apply_due(today, 500, now_us) > 0) {
                }
                last_schedule = now;
            }
        } catch (const std::exception& error) {
            // The database went away or a plan could not be written: nothing was committed for
            // the failing family; try again on the next round.
            log_event(
                logger_, Poco::Message::PRIO_ERROR, "plan", "plan.worker_error", "plan worker round failed",
                {{"error", dynamic_cast<const StoreUnavailable*>(&error) ? "store unavailable" : "plan not applied"}});
        }
        std::unique_lock lock(mutex_);
        wakeup_.wait_for(lock, std::chrono::seconds(1), [this] { return woken_ || stopping_.load(); });
        woken_ = false;
    }
}

}  // namespace eenplan::service
