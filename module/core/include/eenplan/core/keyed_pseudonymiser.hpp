// Keyed pseudonyms at volume: KeyedPseudonymiser holds one key with its HMAC-SHA256 key schedule
// done once, so each pseudonym costs two SHA-256 compressions instead of four (RFC 2104 §4 notes
// this precomputation of the inner and outer padded-key states). Output is identical to
// keyed_pseudonym() in keyed_pseudonym.hpp, which uses this class.
//
// Key versions form a chain, so that stored pseudonyms can move to a new key without the numbers
// they stand for (which the hub never keeps):
//   version 1:    kp1:1:<base32 of 20 bytes of HMAC(k1, "eenplan/v1|" domain "|" kind "|" identity)>
//   version v+1:  kp1:<v+1>:<base32 of 20 bytes of HMAC(k_{v+1}, "eenplan/v1|advance|" raw(v))>
// where raw(v) is the 20 bytes of the version-v value. A ring for pseudonyms must therefore hold
// every version from its first to its current one. What this buys: once stored values are moved to
// v+1, a leak of the store together with the older keys links nothing without k_{v+1}.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <openssl/types.h>
#include <string>
#include <string_view>

#include "eenplan/core/key_ring.hpp"
#include "eenplan/core/keyed_pseudonym.hpp"
#include "eenplan/core/person_number.hpp"
#include "eenplan/core/result.hpp"

namespace eenplan {

class KeyedPseudonymiser {
public:
    explicit KeyedPseudonymiser(const VersionedKey& key);
    KeyedPseudonymiser(KeyedPseudonymiser&&) noexcept = default;
    KeyedPseudonymiser& operator=(KeyedPseudonymiser&&) noexcept = default;
    ~KeyedPseudonymiser();

    // "kp1:<version>:<base32 of 20 bytes>". Safe to call from several threads at once.
    [[nodiscard]] std::string pseudonym(std::string_view domain, const PersonNumber& number) const;
    // The same over any identity text: `kind` names what it is ("bsn", "ppd", ...), so that values
    // of different kinds cannot collide.
    [[nodiscard]] std::string pseudonym(std::string_view domain, std::string_view kind,
                                        std::string_view identity) const;
    // The chain step: this key's value from the value under the version just before it.
    [[nodiscard]] Result<std::string> advance(std::string_view previous) const;
    [[nodiscard]] std::uint32_t version() const noexcept { return version_; }

private:
    std::array<std::uint8_t, 20> mac(std::initializer_list<std::string_view> message) const;
    std::string render(const std::array<std::uint8_t, 20>& mac) const;

    struct Deleter {
        void operator()(EVP_MD_CTX* p) const noexcept;
    };
    std::uint32_t version_;
    std::string prefix_;                          // "kp1:<version>:"
    std::unique_ptr<EVP_MD_CTX, Deleter> inner_;  // SHA-256 state after (key XOR ipad)
    std::unique_ptr<EVP_MD_CTX, Deleter> outer_;  // SHA-256 state after (key XOR opad)
};

// The pseudonym under the ring's current key: for new values.
// The value under the ring's current version, chained from its first version.
std::string chained_keyed_pseudonym(const KeyRing& ring, std::string_view domain, std::string_view kind,
                                    std::string_view identity);
std::string keyed_pseudonym(const KeyRing& ring, std::string_view domain, const PersonNumber& number);

// Moves a stored value up the chain to the ring's current version; a value already current is
// returned as it is. Fails for text that is not a keyed pseudonym and for a version the ring does
// not hold or that lies beyond its current one.
Result<std::string> advance_keyed_pseudonym(const KeyRing& ring, std::string_view stored);

}  // namespace eenplan
