// Polymorphic pseudonyms: the ElGamal ciphertext, its text form, and the operations of source,
// key server and recipient. polymorphic.hpp explains the scheme and its limits.
#include "eenplan/core/polymorphic.hpp"

#include <array>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdexcept>

#include "eenplan/core/hash_to_curve.hpp"
#include "openssl_handles.hpp"

namespace eenplan {
namespace {

constexpr std::size_t point_size = p256::compressed_point_size;
constexpr std::size_t ciphertext_size = 3 * point_size;

}  // namespace

// ---- PolymorphicCiphertext ---------------------------------------------------------------------

Result<PolymorphicCiphertext> PolymorphicCiphertext::parse(std::string_view text, std::string pointer) {
    if (!text.starts_with(polymorphic_ciphertext_prefix)) {
        return Problem{std::move(pointer), "must be a polymorphic ciphertext starting with \"pp1:\""};
    }
    text.remove_prefix(polymorphic_ciphertext_prefix.size());
    const auto bytes = base64_decode(text);
    if (!bytes || bytes->size() != ciphertext_size) {
        return Problem{std::move(pointer), "must be \"pp1:\" followed by base64 of 99 bytes"};
    }
    const std::span<const std::uint8_t> all(*bytes);
    Problems problems;
    auto point = [&](std::size_t index, const char* name) {
        auto parsed = p256::Point::from_bytes(all.subspan(index * point_size, point_size), pointer);
        if (!parsed) problems.push_back({pointer, std::string(name) + " is not a P-256 point"});
        return parsed;
    };
    auto b = point(0, "component B");
    auto c = point(1, "component C");
    auto y = point(2, "the public key");
    if (!problems.empty()) return problems;
    return PolymorphicCiphertext(std::move(b).value(), std::move(c).value(),
                                 PolymorphicPublicKey(std::move(y).value()));
}

Result<PolymorphicCiphertext> PolymorphicCiphertext::parse(std::string_view text, const PolymorphicPublicKey& expected,
                                                           std::string pointer) {
    auto parsed = parse(text, pointer);
    if (parsed && !(parsed->public_key() == expected)) {
        return Problem{std::move(pointer), "is encrypted under another public key"};
    }
    return parsed;
}

std::string PolymorphicCiphertext::to_string() const {
    Bytes bytes;
    bytes.reserve(ciphertext_size);
    for (const p256::Point* point : {&b_, &c_, &key_.point()}) {
        const Bytes encoded = point->to_bytes();
        bytes.insert(bytes.end(), encoded.begin(), encoded.end());
    }
    return std::string(polymorphic_ciphertext_prefix) + base64_encode(bytes);
}

// ---- operations --------------------------------------------------------------------------------

p256::Point identity_point(const PersonNumber& number) {
    // "bsn|111222333": the kind keeps the BSN and onderwijsnummer spaces apart.
    std::array<char, 32> message{};
    const std::string_view kind = to_string(number.kind());
    const std::string_view digits = number.digits_for_keyed_use();
    std::size_t size = 0;
    for (std::string_view part : {kind, std::string_view("|"), digits}) {
        for (char ch : part) message[size++] = ch;
    }
    p256::Point point = p256::hash_to_curve(as_bytes(std::string_view(message.data(), size)), p256::eenplan_dst);
    OPENSSL_cleanse(message.data(), message.size());
    return point;
}

PolymorphicCiphertext encrypt_at_source(const PolymorphicPublicKey& key, const PersonNumber& number) {
    return encrypt_at_source(key, number, p256::Scalar::random());
}

PolymorphicCiphertext encrypt_at_source(const PolymorphicPublicKey& key, const PersonNumber& number,
                                        const p256::Scalar& r) {
    return PolymorphicCiphertext(p256::Point::generator_times(r), identity_point(number).plus(key.point().times(r)),
                                 key);
}

PolymorphicCiphertext rerandomise(const PolymorphicCiphertext& ciphertext) {
    return rerandomise(ciphertext, p256::Scalar::random());
}

PolymorphicCiphertext rerandomise(const PolymorphicCiphertext& ciphertext, const p256::Scalar& z) {
    const p256::Point& y = ciphertext.public_key().point();
    return PolymorphicCiphertext(ciphertext.b().plus(p256::Point::generator_times(z)), ciphertext.c().plus(y.times(z)),
                                 ciphertext.public_key());
}

PolymorphicCiphertext reshuffle(const PolymorphicCiphertext& ciphertext, const p256::Scalar& s) {
    return PolymorphicCiphertext(ciphertext.b().times(s), ciphertext.c().times(s), ciphertext.public_key());
}

PolymorphicCiphertext rekey(const PolymorphicCiphertext& ciphertext, const p256::Scalar& k) {
    return PolymorphicCiphertext(ciphertext.b().times(k.inverse()), ciphertext.c(),
                                 PolymorphicPublicKey(ciphertext.public_key().point().times(k)));
}

Result<PolymorphicCiphertext> reshuffle_rekey_for(const PolymorphicMasterKeys& master,
                                                  const PolymorphicCiphertext& ciphertext, std::string_view domain) {
    return reshuffle_rekey_for(master, ciphertext, domain, 1);
}

Result<PolymorphicCiphertext> reshuffle_rekey_for(const PolymorphicMasterKeys& master,
                                                  const PolymorphicCiphertext& ciphertext, std::string_view domain,
                                                  std::uint32_t key_version) {
    if (!(ciphertext.public_key() == master.public_key())) {
        return Problem{"", "is not encrypted under this key server's public key"};
    }
    const p256::Scalar s = master.reshuffle_factor(domain);
    const p256::Scalar k = master.rekey_factor(domain, key_version);
    // Same result as rekey(reshuffle(ct, s), k), in two variable-base multiplications instead of
    // three: k·Y is computed as (k·y)·G on the generator table, since the key server knows y.
    return PolymorphicCiphertext(ciphertext.b().times(s * k.inverse()), ciphertext.c().times(s),
                                 PolymorphicPublicKey(p256::Point::generator_times(k * master.private_key())));
}

Result<std::string> decrypt(const RecipientKey& key, const PolymorphicCiphertext& ciphertext) {
    if (!(ciphertext.public_key() == key.public_key())) {
        return Problem{"", "is not encrypted for domain \"" + key.domain() + "\""};
    }
    try {
        return render_pseudonym(ciphertext.c().minus(ciphertext.b().times(key.scalar())));
    } catch (const std::domain_error&) {
        // C = x·B: only a forged ciphertext decrypts to the point at infinity.
        return Problem{"", "does not decrypt to a pseudonym"};
    }
}

std::string direct_pseudonym(const PolymorphicMasterKeys& master, std::string_view domain, const PersonNumber& number) {
    return render_pseudonym(identity_point(number).times(master.reshuffle_factor(domain)));
}

std::string render_pseudonym(const p256::Point& domain_point) {
    const Bytes encoded = domain_point.to_bytes();
    std::uint8_t digest[32];
    if (EVP_Digest(encoded.data(), encoded.size(), digest, nullptr, ossl::sha256(), nullptr) != 1) {
        throw std::runtime_error("OpenSSL failed: SHA-256");
    }
    return std::string(polymorphic_pseudonym_prefix) + base32_encode(std::span<const std::uint8_t>(digest, 20));
}

}  // namespace eenplan
