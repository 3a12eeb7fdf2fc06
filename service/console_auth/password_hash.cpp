#include "console_auth/password_hash.hpp"

#include <argon2.h>

#include <stdexcept>
#include <vector>

#include <openssl/rand.h>

namespace eenplan::service {
namespace {

constexpr std::uint32_t passes = 2;
constexpr std::uint32_t memory_kib = 19 * 1024;
constexpr std::uint32_t lanes = 1;
constexpr std::size_t salt_size = 16;
constexpr std::size_t hash_size = 32;

}  // namespace

std::string hash_password(const std::string& password) {
    unsigned char salt[salt_size];
    if (RAND_bytes(salt, sizeof salt) != 1) throw std::runtime_error("the system's random generator failed");
    std::vector<char> encoded(argon2_encodedlen(passes, memory_kib, lanes, salt_size, hash_size, Argon2_id) + 1);
    const int result = argon2id_hash_encoded(passes, memory_kib, lanes, password.data(), password.size(), salt,
                                             sizeof salt, hash_size, encoded.data(), encoded.size());
    if (result != ARGON2_OK) throw std::runtime_error(std::string("argon2id: ") + argon2_error_message(result));
    return std::string(encoded.data());
}

bool verify_password(const std::string& encoded_hash, const std::string& password) {
    if (!encoded_hash.starts_with("$argon2id$")) return false;
    return argon2id_verify(encoded_hash.c_str(), password.data(), password.size()) == ARGON2_OK;
}

const std::string& decoy_password_hash() {
    static const std::string decoy = hash_password("decoy password that no account has");
    return decoy;
}

}  // namespace eenplan::service
