// The SQL of plans, on a session inside a transaction the caller holds: the plan rows, their
// decisions, the unplanned signals, and what a plan needs to know of the pupil and family records
// (the family of a pupil, a hub pseudonym to address tasks with, the woongemeente).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <soci/soci.h>

#include "common/store_types.hpp"
#include "config/config.hpp"
#include "eenplan/core/routeboek/engine.hpp"
#include "eenplan/core/sealed_text.hpp"
#include "plan/signal_events.hpp"
#include "outbox/outbox_store.hpp"
#include "plan_api/plan_api.hpp"

namespace eenplan::service {

// What applying an event to a family's plan needs from the records.
struct PlanContext {
    std::string family_id;                         // the family, or "pupil-<id>" for a pupil no household names yet
    std::string pupil_id;                          // the root pupil record
    std::string pupil_pseudonym;                   // a hub pseudonym of that pupil, to address its tasks
    std::optional<std::string> woongemeente;       // from household registrations and moves
    std::vector<routeboek::Residence> residences;  // their history by date (the record room's)
    std::string signal_id;
    std::string correlation_id;
    std::vector<std::string> children;  // the family's children (root records), when it has a family
    bool from_cache = false;            // the family's part came from a ResidenceCache
};

// The family's part of a PlanContext — its children, woongemeente and residence history as the
// records say on one day — which the plan worker would otherwise read again for every signal. The
// worker keeps them for the families of one round of signals: dropped whole when a household or
// move signal is applied and at the end of the round, and not trusted when the plan's woongemeente
// disagrees (another instance may have applied a move meanwhile). One thread only.
class ResidenceCache {
public:
    struct Entry {
        routeboek::Day day;
        std::vector<std::string> children;
        std::vector<std::string> pseudonyms;
        std::optional<std::string> woongemeente;
        std::vector<routeboek::Residence> residences;
    };
    [[nodiscard]] const Entry* find(const std::string& family_root, routeboek::Day day) const {
        const auto it = entries_.find(family_root);
        return it != entries_.end() && it->second.day == day ? &it->second : nullptr;
    }
    void put(const std::string& family_root, Entry entry) { entries_[family_root] = std::move(entry); }
    void drop(const std::string& family_root) { entries_.erase(family_root); }
    void clear() { entries_.clear(); }
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;

private:
    std::map<std::string, Entry> entries_;
};

PlanContext plan_context(soci::session& sql, const std::string& pupil_id, routeboek::Day today,
                         ResidenceCache* cache = nullptr);
// plan_context for every pupil of a batch (by pupil id), with one statement for their records
// (records that were merged take plan_context's walk).
std::map<std::string, PlanContext> plan_contexts(soci::session& sql, const std::vector<std::string>& pupil_ids,
                                                 routeboek::Day today, ResidenceCache* cache = nullptr);
// A hub pseudonym of a pupil record (of its root, following merges), to address a task about a
// child other than the signal's; empty when there is none.
std::string pupil_pseudonym(soci::session& sql, const std::string& pupil_id);
PlanContext plan_context_of_plan(soci::session& sql, const routeboek::PlanState& plan, routeboek::Day today);

// Brings the plan's woongemeente up to date with the records before an event: the first time it
// is set (from the records, else the school's municipality), later a change is a move, which the
// engine turns into handovers. `school_gemeentecode` is the fallback.
std::vector<routeboek::Decision> refresh_residence(const routeboek::Engine& engine, routeboek::PlanState& plan,
                                                   const PlanContext& context, const std::string& school_gemeentecode,
                                                   routeboek::Day today);

// A plan's free text (each override's and timeline entry's reason) is stored sealed, bound to the
// plan's family id and the value's JSON Pointer ("plans", family, "/overrides/0/reason"), and
// opened on loading (core/sealed_text.hpp); decisions' reasons likewise (plan_decisions|<id>|reason).
std::optional<routeboek::PlanState> load_plan(soci::session& sql, const TextSealer& sealer, Backend backend,
                                              const std::string& family_id, bool for_update);
// The stored plans of these families with one statement (and one for their payload keys), locked
// for update on PostgreSQL. A plan that cannot be read (its key gone, its state broken) is not in
// `plans` but in `unreadable`, with why, so that only its family's signals fail.
struct StoredPlans {
    std::map<std::string, routeboek::PlanState> plans;
    std::map<std::string, std::string> unreadable;
};
StoredPlans load_plans(soci::session& sql, const TextSealer& sealer, Backend backend,
                       const std::vector<std::string>& family_ids, bool for_update);
// Moves the plan of a pupil without a family to its family: returns it with the family's id, and
// removes the old row (its decisions follow); nullopt when there is none.
std::optional<routeboek::PlanState> adopt_pupil_plan(soci::session& sql, const TextSealer& sealer, Backend backend,
                                                     const std::string& pupil_plan_id, const std::string& family_id);

// Plans to be written together: one statement for the new ones and one for the stored ones
// (which were read locked), their payload keys read and made with one statement each.
class PlanRows {
public:
    void save(const routeboek::PlanState& plan, const std::string& routeboek_id,
              std::optional<routeboek::Day> next_check, bool existed, std::int64_t now_us);
    // Writes the plans saved so far and forgets them.
    void write(soci::session& sql, const TextSealer& sealer);

private:
    struct Row {
        routeboek::PlanState plan;
        std::string routeboek_id;
        std::optional<routeboek::Day> next_check;
        bool existed = false;
        std::int64_t now_us = 0;
    };
    std::vector<Row> rows_;
};
// The data migration for plans stored before sealing began: every plan with a reason not sealed
// yet is stored again sealed (only if it is still the state read). Returns how many plans changed.
long long seal_stored_plans(Database& database, const TextSealer& sealer);

// The rows of plan_decisions a batch of applications writes, collected and then inserted with one
// statement (a few rows per signal: one round trip instead of one each).
class DecisionRows {
public:
    // A decision, and with it its line of the timeline (`seq`: its place among the rows of one
    // application; `ref`: the line's reference).
    void decision(const TextSealer& sealer, const std::string& family_id, const routeboek::Decision& decision,
                  routeboek::Day today, const std::string& signal_id, const std::optional<std::string>& delivery_id,
                  const std::string& decided_by, std::int64_t now_us, int seq = 0, const std::string& ref = {});
    // A line of the timeline that is no decision (a signal received, a rule that decided nothing).
    void note(const TextSealer& sealer, const std::string& family_id, const routeboek::TimelineEntry& entry,
              const std::string& signal_id, const std::string& decided_by, std::int64_t now_us, int seq);
    // The rows of a plan another one adopted follow it (as adopt_pupil_plan moves the stored ones).
    void move_family(const std::string& from, const std::string& to);
    void append(DecisionRows&& other);
    // Inserts the rows collected so far and forgets them.
    void insert(soci::session& sql);

private:
    std::vector<std::vector<std::optional<std::string>>> rows_;  // store/batch_sql.hpp's rows
};
// The rows applications of the engine write besides their plans — decisions, and tasks with their
// deliveries — collected over a batch and written with one statement per table.
struct PlanWrites {
    DecisionRows decisions;
    NewTasks tasks;
    void append(PlanWrites&& other);
    // Inserts the rows collected so far and forgets them.
    void insert(soci::session& sql);
};

// The family's timeline as plan_decisions holds it (rows from before 0015 excluded: their lines
// are in the plan's JSON), in order.
std::vector<routeboek::TimelineEntry> load_timeline(soci::session& sql, const TextSealer& sealer,
                                                    const std::string& family_id);

// The oldest unplanned signals, each with the key its plan worker thread is chosen by: the pupil's
// family as its record names it, else the pupil, else (no pupil linked) the signal itself.
struct UnplannedSignal {
    std::string signal_id;
    std::string family_key;
};
std::vector<UnplannedSignal> unplanned_signals_by_family(soci::session& sql, int max);
struct ClaimedSignal {
    StoredSignal signal;
    std::string correlation_id;
};
// The signals of `ids` that are still unplanned, in that order, with their envelopes opened and
// their pupils: one statement for the batch and one for its payload keys. Locked on PostgreSQL; a
// signal another instance holds is passed over.
std::vector<ClaimedSignal> claim_signals(soci::session& sql, Backend backend, const std::vector<std::string>& ids);
void mark_planned(soci::session& sql, const std::vector<std::string>& signal_ids, std::int64_t now_us);

std::vector<std::string> due_plans(soci::session& sql, routeboek::Day today, int max);
bool plan_is_due(soci::session& sql, const std::string& family_id, routeboek::Day today);

// Failing signals and plans: counted, and parked after `max_attempts` failures so the worker
// passes them over until an admin retries them.
// Counts one failed application (in a transaction of its own); true when it is parked now.
bool count_failure(soci::session& sql, ParkedKind kind, const std::string& id, int max_attempts, std::int64_t now_us);
// After a successful application: the count starts again.
void clear_failures(soci::session& sql, ParkedKind kind, const std::string& id);
std::vector<ParkedItem> parked_items(soci::session& sql, int max);
// Un-parks every parked signal and plan (attempts from zero); returns how many.
int retry_parked(soci::session& sql);

}  // namespace eenplan::service
