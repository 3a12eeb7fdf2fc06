// The key roles of polymorphic pseudonyms: master keys at the key server, the public key sources
// encrypt under, recipient keys, and the per-domain factors derived from the master secrets.
#include <algorithm>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <stdexcept>

#include "eenplan/core/polymorphic.hpp"
#include "openssl_handles.hpp"

namespace eenplan {
namespace {

struct KdfDeleter {
    void operator()(EVP_KDF* p) const noexcept { EVP_KDF_free(p); }
};

// HKDF-Expand (RFC 5869 §2.3) with the master secret as PRK and "eenplan/v1|" + domain as info,
// to 48 bytes, reduced mod n. The reshuffle and rekey secrets are separate keys, so the same info
// string yields independent factors.
p256::Scalar derive_factor(const Bytes& secret, std::string_view domain) {
    static const std::unique_ptr<EVP_KDF, KdfDeleter> hkdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
    if (!hkdf) throw std::runtime_error("OpenSSL provides no HKDF");
    ossl::KdfCtx ctx(EVP_KDF_CTX_new(hkdf.get()));
    if (!ctx) throw std::bad_alloc();

    std::string info = "eenplan/v1|";
    info.append(domain);
    int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<std::uint8_t*>(secret.data()), secret.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info.data(), info.size()), OSSL_PARAM_construct_end()};
    std::uint8_t okm[48];
    if (EVP_KDF_derive(ctx.get(), okm, sizeof okm, params) != 1) {
        throw std::runtime_error("OpenSSL failed: HKDF-Expand");
    }
    p256::Scalar factor = p256::Scalar::reduce_wide(okm);
    OPENSSL_cleanse(okm, sizeof okm);
    return factor;
}

Bytes random_bytes(std::size_t size) {
    Bytes out(size);
    if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
        throw std::runtime_error("OpenSSL failed: RAND_bytes");
    }
    return out;
}

}  // namespace

// ---- PolymorphicPublicKey ----------------------------------------------------------------------

Result<PolymorphicPublicKey> PolymorphicPublicKey::from_bytes(std::span<const std::uint8_t> sec1, std::string pointer) {
    if (sec1.size() != p256::compressed_point_size) {
        return Problem{std::move(pointer), "must be a 33-byte compressed P-256 point"};
    }
    auto point = p256::Point::from_bytes(sec1, std::move(pointer));
    if (!point) return point.problems();
    return PolymorphicPublicKey(std::move(point).value());
}

// ---- PolymorphicMasterKeys ---------------------------------------------------------------------

PolymorphicMasterKeys::PolymorphicMasterKeys(p256::Scalar y, Bytes reshuffle_secret, Bytes rekey_secret)
    : y_(std::move(y)),
      reshuffle_secret_(std::move(reshuffle_secret)),
      rekey_secret_(std::move(rekey_secret)),
      public_key_(p256::Point::generator_times(y_)) {}

PolymorphicMasterKeys::~PolymorphicMasterKeys() {
    OPENSSL_cleanse(reshuffle_secret_.data(), reshuffle_secret_.size());
    OPENSSL_cleanse(rekey_secret_.data(), rekey_secret_.size());
}

Result<PolymorphicMasterKeys> PolymorphicMasterKeys::from_bytes(std::span<const std::uint8_t> y,
                                                                std::span<const std::uint8_t> reshuffle_secret,
                                                                std::span<const std::uint8_t> rekey_secret) {
    Problems problems;
    auto scalar = p256::Scalar::from_bytes(y, "/y");
    if (!scalar) problems.insert(problems.end(), scalar.problems().begin(), scalar.problems().end());
    if (reshuffle_secret.size() < 32) {
        problems.push_back({"/reshuffle_secret", "must hold at least 32 bytes"});
    }
    if (rekey_secret.size() < 32) problems.push_back({"/rekey_secret", "must hold at least 32 bytes"});
    // Equal secrets would give s_d = k_d, so reshuffle_rekey_for would leave B unchanged and the
    // key server's output would be linkable to its input.
    if (std::equal(reshuffle_secret.begin(), reshuffle_secret.end(), rekey_secret.begin(), rekey_secret.end())) {
        problems.push_back({"/rekey_secret", "must differ from the reshuffle secret"});
    }
    if (!problems.empty()) return problems;
    return PolymorphicMasterKeys(std::move(scalar).value(), Bytes(reshuffle_secret.begin(), reshuffle_secret.end()),
                                 Bytes(rekey_secret.begin(), rekey_secret.end()));
}

PolymorphicMasterKeys PolymorphicMasterKeys::generate() {
    return PolymorphicMasterKeys(p256::Scalar::random(), random_bytes(32), random_bytes(32));
}

p256::Scalar PolymorphicMasterKeys::reshuffle_factor(std::string_view domain) const {
    return derive_factor(reshuffle_secret_, domain);
}

p256::Scalar PolymorphicMasterKeys::rekey_factor(std::string_view domain) const {
    return derive_factor(rekey_secret_, domain);
}

p256::Scalar PolymorphicMasterKeys::rekey_factor(std::string_view domain, std::uint32_t key_version) const {
    if (key_version <= 1) return rekey_factor(domain);
    return derive_factor(rekey_secret_, std::string(domain) + "#" + std::to_string(key_version));
}

// ---- RecipientKey ------------------------------------------------------------------------------

RecipientKey::RecipientKey(std::string domain, p256::Scalar key)
    : domain_(std::move(domain)), key_(std::move(key)), public_key_(p256::Point::generator_times(key_)) {}

RecipientKey RecipientKey::issue(const PolymorphicMasterKeys& master, std::string_view domain) {
    return RecipientKey(std::string(domain), master.rekey_factor(domain) * master.private_key());
}

RecipientKey RecipientKey::issue(const PolymorphicMasterKeys& master, std::string_view domain,
                                 std::uint32_t key_version) {
    return RecipientKey(std::string(domain), master.rekey_factor(domain, key_version) * master.private_key());
}

Result<RecipientKey> RecipientKey::from_bytes(std::string domain, std::span<const std::uint8_t> key,
                                              std::string pointer) {
    auto scalar = p256::Scalar::from_bytes(key, std::move(pointer));
    if (!scalar) return scalar.problems();
    return RecipientKey(std::move(domain), std::move(scalar).value());
}

}  // namespace eenplan
