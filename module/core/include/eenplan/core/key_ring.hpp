// A key ring: the versions of one secret key, one of them current. New values (keyed pseudonyms,
// encrypted fields) use the current key; values made under older versions stay readable until
// they are re-made, which is what makes key rotation possible without a stop-the-world migration.
//
// Use one ring per purpose (field encryption, keyed pseudonyms): a key must not serve two
// algorithms.
#pragma once

#include <cstdint>
#include <vector>

#include "eenplan/core/keyed_pseudonym.hpp"
#include "eenplan/core/result.hpp"

namespace eenplan {

class KeyRing {
public:
    // Versions must be unique and `current_version` among them.
    static Result<KeyRing> create(std::vector<VersionedKey> keys, std::uint32_t current_version);

    [[nodiscard]] const VersionedKey& current() const noexcept { return keys_[current_]; }
    // The key of that version, or nullptr when the ring does not hold it (retired or never known).
    [[nodiscard]] const VersionedKey* find(std::uint32_t version) const noexcept;
    [[nodiscard]] std::vector<std::uint32_t> versions() const;

    // Rotation: a copy of this ring holding `next` as its current key. Its version must be higher
    // than every version in the ring.
    [[nodiscard]] Result<KeyRing> rotated(VersionedKey next) const;
    // A copy without `version`, once nothing made under it remains. The current key stays.
    [[nodiscard]] Result<KeyRing> retired(std::uint32_t version) const;

private:
    KeyRing(std::vector<VersionedKey> keys, std::size_t current) : keys_(std::move(keys)), current_(current) {}

    std::vector<VersionedKey> keys_;
    std::size_t current_;
};

}  // namespace eenplan
