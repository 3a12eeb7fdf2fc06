// The audit trail as a hash chain: each entry's hash covers the entry and the hash of the one
// before it, so altering, removing or reordering a stored entry breaks every link after it
// (the tamper-evident log of NEN 7513 and of the "each entry hashes the previous one").
//
//   hash(n) = hex(HMAC-SHA256(k_v, "eenplan/v1|audit|" + hash(n-1) + "|" + canonical(entry n)))
//   hash(0) = 64 zeros (the genesis value before the first entry)
//
// Keyed (HMAC, not a bare SHA-256): whoever can write the database but does not hold the key cannot
// recompute a consistent chain after an edit. k_v is derived from the tenant data key of version v
// (key_derivation.hpp, purpose "audit-chain"), and each entry names v, so the ring can rotate.
// canonical() is length-prefixed, so no choice of field values makes two entries encode alike.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eenplan/core/key_ring.hpp"

namespace eenplan::audit {

inline constexpr std::string_view genesis_hash = "0000000000000000000000000000000000000000000000000000000000000000";

// One request to the admin or audit API: who, on whose behalf, in which role, what, when, and how
// it ended. Only ids the hub made and route patterns: never a query value or a body.
struct AuditEntry {
    std::int64_t sequence = 0;            // 1, 2, 3, ... without gaps
    std::int64_t at_us = 0;               // microseconds since the Unix epoch, UTC
    std::string actor;                    // the token's subject
    std::string on_behalf_of;             // the token's "on_behalf_of", empty when it names none
    std::string role;                     // the role that granted access, or every role when refused
    std::string method;                   // "GET", "POST"
    std::string route;                    // the route pattern, e.g. "/v1/pupils/{pupilId}"
    std::vector<std::string> object_ids;  // the ids the request named or made
    int outcome = 0;                      // the HTTP status answered

    friend bool operator==(const AuditEntry&, const AuditEntry&) = default;
};

// An entry as stored: with the key version, the previous entry's hash and its own.
struct ChainedEntry {
    AuditEntry entry;
    std::uint32_t key_version = 0;
    std::string previous_hash;
    std::string hash;
};

// The bytes the hash covers, besides the previous hash.
std::string canonical(const AuditEntry& entry);

// hash(n) from hash(n-1) under the chain key of one version (derive_key(data key, "audit-chain")).
std::string chain_hash(const VersionedKey& chain_key, std::string_view previous_hash, const AuditEntry& entry);

// Chains an entry after `previous_hash` with the ring's current chain key.
ChainedEntry chain(const KeyRing& chain_keys, std::string_view previous_hash, AuditEntry entry);

// Where the chain breaks: the sequence of the first entry that does not hold, and why.
struct ChainBreak {
    std::int64_t sequence = 0;
    std::string detail;
};

// Checks stored entries one at a time, in sequence order, so a long trail is verified in batches.
class ChainVerifier {
public:
    explicit ChainVerifier(const KeyRing& chain_keys) : keys_(chain_keys) {}

    // The first break seen so far (later entries are not checked past it).
    std::optional<ChainBreak> next(const ChainedEntry& stored);
    // After the last entry: the head the store keeps (its last sequence and hash) must be where the
    // chain ended, so removing entries from the end is seen too.
    std::optional<ChainBreak> finish(std::int64_t head_sequence, std::string_view head_hash);

    [[nodiscard]] std::int64_t checked() const noexcept { return last_sequence_; }

private:
    const KeyRing& keys_;
    std::int64_t last_sequence_ = 0;
    std::string last_hash_{genesis_hash};
    std::optional<ChainBreak> broken_;
};

}  // namespace eenplan::audit
