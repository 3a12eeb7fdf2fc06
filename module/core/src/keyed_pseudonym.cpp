#include "eenplan/core/keyed_pseudonym.hpp"

#include "eenplan/core/keyed_pseudonymiser.hpp"

#include <charconv>
#include <openssl/crypto.h>
#include <stdexcept>

namespace eenplan {

VersionedKey::VersionedKey(std::uint32_t version, Bytes secret) : version_(version), secret_(std::move(secret)) {
    if (version_ == 0) throw std::invalid_argument("key versions start at 1");
    if (secret_.size() < 32) throw std::invalid_argument("a key must have at least 32 bytes");
}

VersionedKey::~VersionedKey() { OPENSSL_cleanse(secret_.data(), secret_.size()); }

std::string keyed_pseudonym(const VersionedKey& key, std::string_view domain, const PersonNumber& number) {
    // One implementation of the format: the precomputing class, used once.
    return KeyedPseudonymiser(key).pseudonym(domain, number);
}

std::uint32_t keyed_pseudonym_version(std::string_view pseudonym) {
    if (!pseudonym.starts_with("kp1:")) return 0;
    pseudonym.remove_prefix(4);
    std::uint32_t version = 0;
    auto [end, ec] = std::from_chars(pseudonym.data(), pseudonym.data() + pseudonym.size(), version);
    const char* last = pseudonym.data() + pseudonym.size();
    if (ec != std::errc{} || end == pseudonym.data() || end == last || *end != ':') return 0;
    return version;
}

}  // namespace eenplan
