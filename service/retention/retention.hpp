// Retention runs and family erasure (docs/retention.md). A run removes what is past its term —
// a family (or a pupil in none) untouched past retention.records.families_days whole, its payload
// keys first; then single signals past their type's term; then finished deliveries past theirs —
// and a dry run selects exactly the same and removes nothing. Each run, dry or not, is stored with
// its counts, the terms in force, a digest of the ids it removed and a keyed proof over all of it
// and the audit trail's end at that moment. An erasure (AVG art. 17) removes one family the same
// way on request and leaves a tombstone with a reason code, counts and proof.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/store_types.hpp"
#include "config/config.hpp"
#include "eenplan/core/key_ring.hpp"

namespace eenplan::service {

class AuditTrail;   // audit/audit_trail.hpp
class AuditAnchor;  // retention/audit_anchor.hpp
class PayloadKeys;  // retention/payload_keys.hpp

struct RetentionRun {
    std::string run_id;
    std::int64_t started_at_us = 0;
    bool dry_run = false;
    std::string requested_by;
    std::map<std::string, long long> counts;
    std::string terms;  // JSON of the terms in force
    std::string ids_digest;
    std::int64_t audit_sequence = 0;
    std::string audit_hash;
    std::string proof;
};

struct Erasure {
    std::string erasure_id;
    std::string family_id;
    std::string reason_code;
    std::string requested_by;
    std::int64_t erased_at_us = 0;
    std::map<std::string, long long> counts;
    std::string ids_digest;
    std::string proof;
};

enum class ErasureOutcome { erased, unknown_family, already_erased };

class Retention {
public:
    // `audit` receives an entry for runs no request asked for (the timer, --purge); `anchor`
    // (optional) is written at each run.
    Retention(Database& database, const RetentionConfig& config, const PayloadKeys& keys, const KeyRing& data_keys,
              AuditTrail* audit, AuditAnchor* anchor);

    // `by_request`: a request asked for it, and the audit trail has it already (the route handler
    // writes every privacy-officer request); otherwise the run is appended to the trail here.
    RetentionRun purge(std::int64_t now_us, bool dry_run, const std::string& requested_by, bool by_request = false);
    std::vector<RetentionRun> runs(int limit);

    // The reason codes an erasure may carry (never free text).
    static const std::vector<std::string>& reason_codes();
    std::pair<ErasureOutcome, std::optional<Erasure>> erase_family(const std::string& family_id,
                                                                   const std::string& reason_code,
                                                                   const std::string& requested_by,
                                                                   std::int64_t now_us);
    std::vector<Erasure> erasures(int limit);

    // The terms in force as JSON (stored with each run).
    [[nodiscard]] std::string terms_json() const;

private:
    Database& database_;
    const RetentionConfig& config_;
    const PayloadKeys& keys_;
    VersionedKey proof_key_;
    AuditTrail* audit_;
    AuditAnchor* anchor_;
};

}  // namespace eenplan::service
