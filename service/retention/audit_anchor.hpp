// The audit trail's end, anchored outside the database: a line per anchor appended to a file
// (retention.audit_anchor.file, ideally on other storage or a write-once mount) holding the
// chain head's sequence and hash and the time, signed with an HMAC key derived from the tenant
// data key ("audit-anchor"). Truncating the trail's tail together with its head (audit_head)
// keeps the chain consistent inside the database, but no longer matches the last anchor:
// --verify-audit compares the two.
//
//   {"sequence":N,"hash":"<hex>","at_us":T,"key_version":v,"mac":"<hex HMAC-SHA256(k_v,
//    "eenplan/v1|audit-anchor|" N "|" hash "|" T)>"}
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/store_types.hpp"
#include "eenplan/core/key_ring.hpp"

namespace eenplan::service {

struct AnchorPoint {
    std::int64_t sequence = 0;
    std::string hash;
    std::int64_t at_us = 0;
};

class AuditAnchor {
public:
    AuditAnchor(Database& database, const KeyRing& data_keys, std::string file);

    // The trail's head as the database holds it now.
    AnchorPoint head();
    // Appends the current head to the file (flushed and synced); returns it.
    AnchorPoint write(std::int64_t now_us);

    struct Check {
        bool anchored = false;               // the file holds a signed anchor
        std::optional<AnchorPoint> last;     // the last one
        std::optional<std::string> problem;  // why the trail does not match it
    };
    // The trail against the last signed line of the file.
    Check check();

private:
    Database& database_;
    KeyRing anchor_keys_;
    std::string file_;
};

}  // namespace eenplan::service
