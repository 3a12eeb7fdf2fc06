// The reconciliation with a municipal register as the HTTP room sees it: an interface the plan room
// implements (plan/reconciler.hpp), so that http/ needs neither the store nor the plans.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "eenplan/core/registration/reconciliation.hpp"
#include "eenplan/core/routeboek/calendar.hpp"
#include "eenplan/core/result.hpp"

namespace eenplan::service {

struct ReconciliationRequest {
    std::string gemeentecode;           // the municipality whose register the list is
    std::vector<std::string> children;  // "kp1:…" hub pseudonyms or "pp1:…" polymorphic encryptions
    routeboek::Day today{};             // the Dutch date the enrolments are current on
};

// A run: a list too long for one request, sent in parts and reconciled once whole.
struct ReconciliationRun {
    std::string run_id;
    std::string source_id;
    std::string gemeentecode;
    int parts = 0;
    std::string status;  // open, finished, expired
    std::int64_t created_at_us = 0;
    std::int64_t expires_at_us = 0;
    std::optional<std::int64_t> ended_at_us;
    int received_parts = 0;                     // while open
    std::size_t received_children = 0;          // while open: entries in the parts received
    registration::ReconciliationCounts counts;  // once finished (counts.listed: the entries processed)
    std::string list_digest;                    // once finished
    std::string proof;                          // once finished
};

// Why a run request was refused; the HTTP room maps each to one status.
// too_many: the source has max_open_runs open already (parts are stored while a run is open, so
// a source cannot make the hub keep an unbounded amount of them).
// not_allowed: the routeboek has no leerplicht office for the source's municipality.
enum class RunRefusal { none, unknown_run, ended, conflict, incomplete, beyond, too_many, not_allowed };
inline constexpr int max_open_runs = 8;

struct RunOutcome {
    RunRefusal refusal = RunRefusal::none;
    std::string detail;  // one sentence, no entry of the list
    ReconciliationRun run;
    registration::ReconciliationAnswer answer;  // finish only
};

class Reconciliation {
public:
    virtual ~Reconciliation() = default;

    // The run API. Every call is for the source that made the run; another source's run is
    // unknown to it. An expired run's parts are deleted on the next call (and by expire_runs).
    virtual RunOutcome create_run(const std::string& source_id, const std::string& gemeentecode, int parts,
                                  std::int64_t now_us, std::int64_t expires_at_us) = 0;
    // A part, stored until the run ends; the same part with the same entries again is accepted
    // (resuming), with other entries refused (conflict).
    virtual RunOutcome add_part(const std::string& source_id, const std::string& run_id, int part,
                                const std::vector<std::string>& children, std::int64_t now_us) = 0;
    virtual RunOutcome progress(const std::string& source_id, const std::string& run_id, std::int64_t now_us) = 0;
    // All parts received: the whole list reconciled against the enrolments of `today`, the counts
    // and proof kept, the parts deleted, in one transaction. The answer is given once.
    virtual RunOutcome finish(const std::string& source_id, const std::string& run_id, routeboek::Day today,
                              std::int64_t now_us) = 0;
    // Ends every open run past its expiry: its parts are deleted. Returns how many.
    virtual int expire_runs(std::int64_t now_us) = 0;

    // The answer for one part of a list, against the hub's enrolments of today. Nothing of the
    // list is written anywhere. Problems: "/gemeentecode" when the routeboek has no leerplicht
    // office for it.
    virtual Result<registration::ReconciliationAnswer> reconcile(const ReconciliationRequest& request) = 0;
};

}  // namespace eenplan::service
