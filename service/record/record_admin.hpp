// What an admin may change on the records: merge two pupil records, undo a merge, and decide a
// possible match from the review queue. Every change records who (the JWT subject), when and why;
// nothing is deleted, so each can be explained later and a merge undone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "eenplan/core/result.hpp"
#include "eenplan/core/sealed_text.hpp"
#include "common/store_types.hpp"

namespace eenplan::service {

enum class AdminStatus { done, not_found, conflict };

struct AdminOutcome {
    AdminStatus status = AdminStatus::done;
    std::string detail;  // for not_found and conflict: one sentence
    Problems problems;
    std::string merge_id;  // of a merge made or undone
    std::string pupil_id;  // the record after the change
};

struct Actor {
    std::string subject;
    std::int64_t now_us = 0;
};

class RecordAdmin {
public:
    // Reasons are stored sealed with `sealer` (core/sealed_text.hpp).
    RecordAdmin(Database& database, const TextSealer& sealer) : database_(database), sealer_(sealer) {}

    AdminOutcome merge(const std::string& pupil_id, const std::string& with, const std::string& reason,
                       const Actor& actor);
    AdminOutcome undo_merge(const std::string& merge_id, const std::string& reason, const Actor& actor);
    // decision: "match" merges the review's record into its candidate; "no_match" leaves both.
    AdminOutcome decide_review(const std::string& review_id, const std::string& decision, const std::string& reason,
                               const Actor& actor);

private:
    Database& database_;
    const TextSealer& sealer_;
};

}  // namespace eenplan::service
