// Console passwords as argon2id hashes (RFC 9106) in the PHC string form, by libargon2 (the
// reference implementation). Parameters: OWASP's Password Storage Cheat Sheet minimum for
// argon2id (19 MiB, 2 passes, 1 lane); the string records them, so raising them later keeps old
// hashes verifiable.
#pragma once

#include <string>

namespace eenplan::service {

std::string hash_password(const std::string& password);
// Constant-time in the hash's length; false for a malformed hash.
bool verify_password(const std::string& encoded_hash, const std::string& password);
// A valid hash of a random password, for spending the same time on an unknown account.
const std::string& decoy_password_hash();

}  // namespace eenplan::service
