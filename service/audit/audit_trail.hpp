// The audit trail's store: appends chained entries (core/audit/audit_chain.hpp), lists them for
// GET /v1/audit and verifies the whole chain for --verify-audit. It only appends: nothing here
// updates or deletes an entry.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/store_types.hpp"
#include "eenplan/core/audit/audit_chain.hpp"
#include "eenplan/core/key_ring.hpp"

namespace eenplan::service {

class AuditTrail {
public:
    // `data_keys`: the tenant data key ring; the chain is keyed with its "audit-chain" derivation.
    AuditTrail(Database& database, const KeyRing& data_keys);

    // Gives the entry the next sequence number, chains it and stores it, in one transaction.
    // Returns the sequence. Throws StoreUnavailable when the store cannot take it.
    std::int64_t append(audit::AuditEntry entry);

    // Entries after `after_sequence`, oldest first, at most `limit`; optionally only one actor's
    // or only those naming one object id.
    std::vector<audit::ChainedEntry> list(std::int64_t after_sequence, int limit, const std::string& actor = {},
                                          const std::string& object_id = {});

    struct Verification {
        std::int64_t checked = 0;                 // entries that hold, from the first on
        std::int64_t written = 0;                 // entries the head says were written
        std::optional<audit::ChainBreak> broken;  // the first broken link, if any
    };
    // Reads the whole trail in batches and checks every link.
    Verification verify();

private:
    Database& database_;
    KeyRing chain_keys_;
};

}  // namespace eenplan::service
