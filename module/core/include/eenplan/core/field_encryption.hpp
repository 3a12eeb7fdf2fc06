// Field encryption: one personal-data field (a name, a note) sealed with AES-256-GCM under a
// tenant's data key, and bound to the record it belongs to.
//
//   "fe1:" + key_version + ":" + base64(nonce (12) || ciphertext || tag (16))
//
// The associated data (e.g. "pupil|4711|family_name") is authenticated but not stored: a value
// copied into another record, field or table no longer decrypts. Nonces are 12 random bytes; NIST
// SP 800-38D §8.3 then limits one key to 2^32 encryptions, far above one tenant's volume, and a
// rotation (KeyRing::rotated) resets the count. Keys must be exactly 32 bytes.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "eenplan/core/key_ring.hpp"
#include "eenplan/core/result.hpp"

namespace eenplan {

inline constexpr std::size_t field_nonce_size = 12;

// Seals under the ring's current key with a fresh nonce.
std::string encrypt_field(const KeyRing& ring, std::string_view plaintext, std::string_view associated_data);
// Seals with the given nonce: for test vectors only — a nonce must never repeat under one key.
std::string encrypt_field(const VersionedKey& key, std::string_view plaintext, std::string_view associated_data,
                          std::span<const std::uint8_t, field_nonce_size> nonce);

// Opens a sealed value with the key of its version. Problems: not "fe1:", unknown key version,
// bad base64, or authentication failure (wrong key, tampered value, or other associated data;
// GCM cannot tell these apart, and the problem does not try to).
Result<std::string> decrypt_field(const KeyRing& ring, std::string_view sealed, std::string_view associated_data,
                                  std::string pointer = "");

// The key version of a sealed value, or 0 when it is not one: to find values still under a key
// that is to be retired.
std::uint32_t field_key_version(std::string_view sealed);

}  // namespace eenplan
