#include "eenplan/core/key_derivation.hpp"

#include <stdexcept>
#include <string>

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace eenplan {

VersionedKey derive_key(const VersionedKey& key, std::string_view purpose) {
    const std::string label = "eenplan/v1|derive|" + std::string(purpose);
    Bytes out(EVP_MAX_MD_SIZE);
    unsigned int size = 0;
    if (HMAC(EVP_sha256(), key.secret().data(), static_cast<int>(key.secret().size()),
             reinterpret_cast<const unsigned char*>(label.data()), label.size(), out.data(), &size) == nullptr) {
        throw std::runtime_error("HMAC-SHA256 failed");
    }
    out.resize(size);
    return VersionedKey(key.version(), std::move(out));
}

KeyRing derive_ring(const KeyRing& ring, std::string_view purpose) {
    std::vector<VersionedKey> keys;
    for (const std::uint32_t version : ring.versions()) keys.push_back(derive_key(*ring.find(version), purpose));
    auto derived = KeyRing::create(std::move(keys), ring.current().version());
    if (!derived) throw std::logic_error("a derived ring has the versions of a valid ring");
    return std::move(derived).value();
}

}  // namespace eenplan
