#include "eenplan/core/keyed_pseudonym.hpp"

#include <charconv>
#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <stdexcept>

namespace eenplan {

VersionedKey::VersionedKey(std::uint32_t version, Bytes secret)
    : version_(version), secret_(std::move(secret)) {
    if (version_ == 0) throw std::invalid_argument("key versions start at 1");
    if (secret_.size() < 32) throw std::invalid_argument("a key must have at least 32 bytes");
}

VersionedKey::~VersionedKey() { OPENSSL_cleanse(secret_.data(), secret_.size()); }

std::string keyed_pseudonym(const VersionedKey& key, std::string_view domain,
                            const PersonNumber& number) {
    // Built on the stack and wiped: the message holds the digits.
    std::string message;
    message.reserve(64);
    message.append("eenplan/v1|").append(domain).append("|");
    message.append(to_string(number.kind())).append("|").append(number.digits_for_keyed_use());

    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    HMAC(EVP_sha256(), key.secret().data(), static_cast<int>(key.secret().size()),
         reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &mac_len);
    OPENSSL_cleanse(message.data(), message.size());

    std::string out = "kp1:" + std::to_string(key.version()) + ":";
    out += base32_encode(std::span<const std::uint8_t>(mac, 20));
    return out;
}

std::uint32_t keyed_pseudonym_version(std::string_view pseudonym) {
    if (!pseudonym.starts_with("kp1:")) return 0;
    pseudonym.remove_prefix(4);
    std::uint32_t version = 0;
    auto [end, ec] = std::from_chars(pseudonym.data(), pseudonym.data() + pseudonym.size(), version);
    if (ec != std::errc{} || end == pseudonym.data() || *end != ':') return 0;
    return version;
}

}  // namespace eenplan
