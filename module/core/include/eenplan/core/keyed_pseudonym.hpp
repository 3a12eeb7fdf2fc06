// Keyed pseudonyms: the baseline way the hub turns a person number into a value it can link on
// without being able to read it back.
//
//   pseudonym = "kp1:" + key_version + ":" + base32(first 20 bytes of
//               HMAC-SHA256(domain_key, "eenplan/v1|" + domain + "|" + kind + "|" + digits))
//
// The domain separates purposes: "hub" for the hub's own matching, one domain per receiving
// organisation, so that two organisations cannot join their data on the pseudonym. 160 bits keep
// the string short while leaving collisions out of reach for any population this will see.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "eenplan/core/encoding.hpp"
#include "eenplan/core/person_number.hpp"

namespace eenplan {

// A secret key with its version number. The bytes are wiped on destruction.
class VersionedKey {
public:
    VersionedKey(std::uint32_t version, Bytes secret);
    VersionedKey(const VersionedKey&) = default;
    VersionedKey& operator=(const VersionedKey&) = default;
    ~VersionedKey();

    [[nodiscard]] std::uint32_t version() const noexcept { return version_; }
    [[nodiscard]] const Bytes& secret() const noexcept { return secret_; }

private:
    std::uint32_t version_;
    Bytes secret_;
};

// The domain of the hub's own record linkage.
inline constexpr std::string_view hub_domain = "hub";

std::string keyed_pseudonym(const VersionedKey& key, std::string_view domain, const PersonNumber& number);

// The key version a "kp1:<version>:<value>" pseudonym was made with, or 0 when the text is not
// such a pseudonym.
std::uint32_t keyed_pseudonym_version(std::string_view pseudonym);

}  // namespace eenplan
