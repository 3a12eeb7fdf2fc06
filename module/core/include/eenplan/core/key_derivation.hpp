// A key for one purpose derived from a key held for another, so that one configured secret can
// feed several algorithms without any of them using it directly (key separation):
//
//   derived = HMAC-SHA256(secret, "eenplan/v1|derive|" + purpose)      (32 bytes, same version)
//
// HMAC as a PRF with a fixed, distinct label per purpose is the "expand" step of HKDF (RFC 5869
// section 2.3) for one output block; the inputs here are already uniformly random keys, so no
// extract step is needed.
#pragma once

#include <string_view>

#include "eenplan/core/key_ring.hpp"

namespace eenplan {

VersionedKey derive_key(const VersionedKey& key, std::string_view purpose);
// Every version of the ring derived for `purpose`; the current version stays current.
KeyRing derive_ring(const KeyRing& ring, std::string_view purpose);

}  // namespace eenplan
