// Per-owner payload keys (crypto-shredding). A payload that concerns a family — a signal's
// envelope, a plan's state — is stored encrypted under a random 32-byte data key of its owner:
//
//   owner   = "pupil/<pupil record id>" | "family/<family or plan id>" | "signal/<signal id>"
//   stored  = "pk1|" + owner + "|" + fe1 value (core/field_encryption.hpp, AES-256-GCM)
//   AD      = "eenplan/v1|payload|" + owner + "|" + table + "|" + row + "|" + column
//
// The owner's key is kept in payload_keys wrapped under the tenant data key (fe1, AD
// "eenplan/v1|payload-key|" + owner). Erasing a family deletes the keys of its owners, after which
// no copy of those payloads opens — including a backup of the tables taken before, provided the
// keys live apart from it (a separate key store, retention.key_store; docs/retention.md).
//
// Why owners below the family: a signal is stored (and acknowledged) in the transaction that
// links it to a pupil record, but a pupil may join a family only later (a household signal), and
// families join. Keying by the record the signal landed on needs no re-encryption when membership
// changes; a family's erasure destroys the keys of every record in it. A signal no record holds
// (a parent's move) has a key of its own, found through the family's parents.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/store_types.hpp"
#include "eenplan/core/encoding.hpp"
#include "eenplan/core/key_ring.hpp"

namespace eenplan::service {

inline std::string pupil_owner(std::string_view id) { return "pupil/" + std::string(id); }
inline std::string family_owner(std::string_view id) { return "family/" + std::string(id); }
inline std::string signal_owner(std::string_view id) { return "signal/" + std::string(id); }

class PayloadKeys {
public:
    // `key_store`: a database of its own for the keys, or null to keep them in the main store.
    PayloadKeys(Database* key_store, KeyRing tenant_keys);
    ~PayloadKeys();
    PayloadKeys(const PayloadKeys&) = delete;
    PayloadKeys& operator=(const PayloadKeys&) = delete;

    // Creates payload_keys in a separate key store (the main store has it by migration 0014).
    void prepare() const;
    [[nodiscard]] bool separate_store() const noexcept { return key_store_ != nullptr; }

    // Seals `plaintext` for its place under the owner's key, making the key when there is none.
    // `sql` is the caller's session on the main store (used when the keys live there).
    [[nodiscard]] std::string seal(soci::session& sql, const std::string& owner, std::string_view table,
                                   std::string_view row, std::string_view column, std::string_view plaintext) const;
    // For an owner that has no key yet (a record this transaction created): a fresh key in `key`,
    // and its payload_keys.wrapped value, which the caller stores. Reads and writes nothing.
    [[nodiscard]] std::string new_key(const std::string& owner, Bytes& key) const;
    // The key a payload_keys.wrapped value of this owner holds (read by the caller). Throws when it
    // does not open under the tenant data key.
    [[nodiscard]] Bytes open_key(const std::string& owner, const std::string& wrapped) const;
    // Seals under a key of new_key() or open_key(), without reading it from the store.
    [[nodiscard]] static std::string seal_under(const std::string& owner, const Bytes& key, std::string_view table,
                                                std::string_view row, std::string_view column,
                                                std::string_view plaintext);
    // Opens what seal_under sealed with this owner's key; nullopt when it does not open for this place.
    [[nodiscard]] static std::optional<std::string> open_under(const std::string& owner, const Bytes& key,
                                                               std::string_view table, std::string_view row,
                                                               std::string_view column, std::string_view stored);
    // The keys of many owners with one query each way: `held` gets the key of every owner in
    // `owners` that has one and is not held yet (a key that does not open under the tenant data key
    // is left out, as open() treats it). With `make`, the owners without a key get one, inserted
    // with one statement; an owner another writer gave a key meanwhile keeps that writer's key.
    void keys_of(soci::session& sql, const std::vector<std::string>& owners, std::map<std::string, Bytes>& held,
                 bool make) const;
    // The plaintext; a value that is not "pk1|" (stored before, or by a test) as it is; nullopt
    // when the owner's key is gone (erased) or the value does not open for this place.
    [[nodiscard]] std::optional<std::string> open(soci::session& sql, std::string_view table, std::string_view row,
                                                  std::string_view column, std::string_view stored) const;
    // Deletes the keys of these owners; returns how many existed. Committed before it returns
    // when the keys live in a key store of their own, else part of the caller's transaction.
    long long destroy(soci::session& sql, const std::vector<std::string>& owners) const;
    // How many of these owners have a key (what destroy would delete).
    long long count(soci::session& sql, const std::vector<std::string>& owners) const;

    [[nodiscard]] static bool is_sealed(std::string_view stored) { return stored.starts_with("pk1|"); }
    // The owner a sealed value names, or empty.
    [[nodiscard]] static std::string owner_of(std::string_view stored);

private:
    template <typename Fn>
    auto on_key_store(soci::session& sql, Fn&& fn) const;

    Database* key_store_;
    KeyRing tenant_keys_;
};

// The one PayloadKeys of the process, installed by the application at start-up so that the
// stores that write and read payloads (record/, plan/) need no new parameter. Without one
// installed, payloads are stored and read as they are (tools, unit tests).
void install_payload_keys(const PayloadKeys* keys);
const PayloadKeys* installed_payload_keys();

// The payloads of a batch through the installed keys: the keys of their owners read (and made)
// with one statement each, then every payload opened or sealed without a round trip. Without
// installed keys, payloads are as they are (as seal_payload and open_payload treat them).
class PayloadBatch {
public:
    // Reads the keys of the owners of these stored values (PayloadKeys::owner_of), for open().
    void read(soci::session& sql, const std::vector<std::string>& stored);
    // Reads the keys of these owners and makes the missing ones, for seal().
    void make(soci::session& sql, const std::vector<std::string>& owners);
    // As open_payload, for a value whose owner's key read() was given.
    [[nodiscard]] std::optional<std::string> open(std::string_view table, std::string_view row, std::string_view column,
                                                  std::string_view stored) const;
    // As seal_payload, for an owner make() was given; throws for one it was not.
    [[nodiscard]] std::string seal(const std::string& owner, std::string_view table, std::string_view row,
                                   std::string_view column, std::string_view plaintext) const;

private:
    const PayloadKeys* keys_ = installed_payload_keys();
    std::map<std::string, Bytes> held_;
};

// seal/open through the installed keys, or the plaintext when none is installed.
std::string seal_payload(soci::session& sql, const std::string& owner, std::string_view table, std::string_view row,
                         std::string_view column, std::string_view plaintext);
std::optional<std::string> open_payload(soci::session& sql, std::string_view table, std::string_view row,
                                        std::string_view column, std::string_view stored);

// A stored signal's envelope under the key of the record it landed on (its pupil; a household's
// family; else its own), inside the transaction that stored and linked it.
void seal_stored_signal(soci::session& sql, const std::string& signal_id);
// The same for the envelope the caller has just inserted and the owner it has just linked it to,
// without reading either back (ingest stores many signals per transaction).
void seal_stored_signal(soci::session& sql, const std::string& signal_id, const std::string& envelope,
                        const std::string& owner);

// The data migration for rows stored before payload keys (run once at start-up, recorded in
// data_migrations): every envelope and plan state not yet sealed is sealed under its owner's
// key, in batches, each its own transaction. Returns how many it sealed.
long long seal_stored_payloads(Database& database);

}  // namespace eenplan::service
