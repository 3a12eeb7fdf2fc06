// Polymorphic pseudonyms, after the PEP scheme behind the Dutch BSN-koppelregister (BSNk): a
// source encrypts a person number once, under one public key; the key server later turns that
// ciphertext into an encryption of a *domain-specific* pseudonym for one recipient, without ever
// decrypting it; only that recipient can decrypt, and gets a value that no other domain shares.
//
// Roles (docs/privacy.md tells the same story in plain words):
//   key server   holds PolymorphicMasterKeys: y (public key Y = yG), a reshuffle secret and a
//                rekey secret. From the secrets it derives, per domain d, the reshuffle factor s_d
//                and rekey factor k_d (HKDF-Expand, RFC 5869 §2.3, of "eenplan/v1|" + d to 48
//                bytes, reduced mod n: the RFC 9380 §5 way of keeping the bias below 2^-128).
//   source       (a school, the BRP feed) knows only Y: encrypt_at_source.
//   recipient    of domain d holds RecipientKey x_d = k_d·y mod n and decrypts to s_d·P, where
//                P = hash_to_curve("kind|digits") (hash_to_curve.hpp).
//
// ElGamal over P-256 (p256.hpp says why P-256): a ciphertext is (B, C, Y') = (rG, P + rY', Y').
//   reshuffle(s):  (sB, sC, Y')       encrypts sP
//   rekey(k):      (k⁻¹B, C, kY')     encrypts P under kY', decryptable with k·y
//   rerandomise:   (B + zG, C + zY', Y')  same plaintext, unlinkable ciphertext
//
// What this does NOT protect (see also docs/privacy.md):
// - Malleability: ElGamal is homomorphic. Anyone holding Y can make a valid ciphertext of any
//   point, or turn an encryption of P into one of aP or P + Q. Parsing rejects only malformed
//   encodings, points off the curve and the point at infinity; there is no integrity tag. Who sent
//   a ciphertext is established by the transport (signed webhooks), not by the ciphertext.
// - A recipient cannot tell that a decrypted point came from a real person number.
// - The key server holding y and the reshuffle secret can compute every domain's pseudonym of any
//   number it chooses (direct_pseudonym), and so can link everything: it is the trust anchor.
// - The identity point P is a public function of a nine-digit number; anyone who learns a
//   decrypted P (not s_d·P) can find the number by trying all 10^9 candidates.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "eenplan/core/encoding.hpp"
#include "eenplan/core/p256.hpp"
#include "eenplan/core/person_number.hpp"
#include "eenplan/core/result.hpp"

namespace eenplan {

// The public key Y that sources encrypt under (or, after rekeying, a recipient's k_d·Y).
class PolymorphicPublicKey {
public:
    explicit PolymorphicPublicKey(p256::Point point) : point_(std::move(point)) {}
    // SEC1 compressed encoding (33 bytes); refuses other lengths, off-curve points, infinity.
    static Result<PolymorphicPublicKey> from_bytes(std::span<const std::uint8_t> sec1, std::string pointer);
    [[nodiscard]] Bytes to_bytes() const { return point_.to_bytes(); }
    [[nodiscard]] const p256::Point& point() const noexcept { return point_; }
    friend bool operator==(const PolymorphicPublicKey&, const PolymorphicPublicKey&) = default;

private:
    p256::Point point_;
};

// The key server's secrets. Scalars and secret bytes are wiped on destruction.
class PolymorphicMasterKeys {
public:
    PolymorphicMasterKeys(const PolymorphicMasterKeys&) = default;
    PolymorphicMasterKeys& operator=(const PolymorphicMasterKeys&) = default;
    ~PolymorphicMasterKeys();

    // y: 32 bytes, 1 <= y < n. Each secret: at least 32 bytes, and the two must differ.
    static Result<PolymorphicMasterKeys> from_bytes(std::span<const std::uint8_t> y,
                                                    std::span<const std::uint8_t> reshuffle_secret,
                                                    std::span<const std::uint8_t> rekey_secret);
    static PolymorphicMasterKeys generate();  // RAND_bytes

    [[nodiscard]] const PolymorphicPublicKey& public_key() const noexcept { return public_key_; }
    [[nodiscard]] p256::Scalar reshuffle_factor(std::string_view domain) const;  // s_d
    [[nodiscard]] p256::Scalar rekey_factor(std::string_view domain) const;      // k_d
    // k_d of one version of the domain's recipient key: version 1 is rekey_factor(domain) (every
    // key issued before versions existed), version v > 1 that of the label "<domain>#<v>". A new
    // version gives the recipient a new decryption key and leaves its pseudonyms (s_d·P) unchanged.
    [[nodiscard]] p256::Scalar rekey_factor(std::string_view domain, std::uint32_t key_version) const;
    [[nodiscard]] const p256::Scalar& private_key() const noexcept { return y_; }

private:
    PolymorphicMasterKeys(p256::Scalar y, Bytes reshuffle_secret, Bytes rekey_secret);

    p256::Scalar y_;
    Bytes reshuffle_secret_;
    Bytes rekey_secret_;
    PolymorphicPublicKey public_key_;
};

// A recipient's decryption key x_d = k_d·y mod n, for one domain (e.g. "hub", "org:GM0518").
class RecipientKey {
public:
    RecipientKey(std::string domain, p256::Scalar key);
    // Issued by the key server: x_d = k_d·y.
    static RecipientKey issue(const PolymorphicMasterKeys& master, std::string_view domain);
    // Version `key_version` of the domain's key (rotation): x_d,v = k_d,v·y.
    static RecipientKey issue(const PolymorphicMasterKeys& master, std::string_view domain, std::uint32_t key_version);
    // Loaded by the recipient from its configuration: 32 bytes.
    static Result<RecipientKey> from_bytes(std::string domain, std::span<const std::uint8_t> key, std::string pointer);

    [[nodiscard]] const std::string& domain() const noexcept { return domain_; }
    [[nodiscard]] Bytes to_bytes() const { return key_.to_bytes(); }  // secret: for provisioning
    [[nodiscard]] const p256::Scalar& scalar() const noexcept { return key_; }
    // x_d·G: the key a ciphertext for this recipient must carry as Y'.
    [[nodiscard]] const PolymorphicPublicKey& public_key() const noexcept { return public_key_; }

private:
    std::string domain_;
    p256::Scalar key_;
    PolymorphicPublicKey public_key_;
};

// (B, C, Y'). Text form: "pp1:" + base64 (RFC 4648 §4) of B || C || Y', each SEC1-compressed:
// 99 bytes, 132 characters, never padded. Compressed points keep it short; parsing pays one square
// root per point to recover y.
class PolymorphicCiphertext {
public:
    PolymorphicCiphertext(p256::Point b, p256::Point c, PolymorphicPublicKey key)
        : b_(std::move(b)), c_(std::move(c)), key_(std::move(key)) {}

    static Result<PolymorphicCiphertext> parse(std::string_view text, std::string pointer);
    // Also refuses a ciphertext under any key other than `expected`.
    static Result<PolymorphicCiphertext> parse(std::string_view text, const PolymorphicPublicKey& expected,
                                               std::string pointer);
    [[nodiscard]] std::string to_string() const;

    [[nodiscard]] const p256::Point& b() const noexcept { return b_; }
    [[nodiscard]] const p256::Point& c() const noexcept { return c_; }
    [[nodiscard]] const PolymorphicPublicKey& public_key() const noexcept { return key_; }
    friend bool operator==(const PolymorphicCiphertext&, const PolymorphicCiphertext&) = default;

private:
    p256::Point b_;
    p256::Point c_;
    PolymorphicPublicKey key_;
};

inline constexpr std::string_view polymorphic_ciphertext_prefix = "pp1:";
inline constexpr std::string_view polymorphic_pseudonym_prefix = "ppd1:";

// The identity point P = hash_to_curve("bsn|111222333"), DST p256::eenplan_dst.
p256::Point identity_point(const PersonNumber& number);

// At the source: (rG, P + rY, Y) with a fresh random r, or with the given r (test vectors only).
PolymorphicCiphertext encrypt_at_source(const PolymorphicPublicKey& key, const PersonNumber& number);
PolymorphicCiphertext encrypt_at_source(const PolymorphicPublicKey& key, const PersonNumber& number,
                                        const p256::Scalar& r);

PolymorphicCiphertext rerandomise(const PolymorphicCiphertext& ciphertext);
PolymorphicCiphertext rerandomise(const PolymorphicCiphertext& ciphertext, const p256::Scalar& z);
PolymorphicCiphertext reshuffle(const PolymorphicCiphertext& ciphertext, const p256::Scalar& s);
PolymorphicCiphertext rekey(const PolymorphicCiphertext& ciphertext, const p256::Scalar& k);

// At the key server: reshuffle by s_d and rekey by k_d in one step, (s_d/k_d·B, s_d·C, k_d·Y).
// Refuses a ciphertext that is not under the master public key.
Result<PolymorphicCiphertext> reshuffle_rekey_for(const PolymorphicMasterKeys& master,
                                                  const PolymorphicCiphertext& ciphertext, std::string_view domain);
// The same for version `key_version` of the domain's recipient key: the same pseudonym, under
// that version's key.
Result<PolymorphicCiphertext> reshuffle_rekey_for(const PolymorphicMasterKeys& master,
                                                  const PolymorphicCiphertext& ciphertext, std::string_view domain,
                                                  std::uint32_t key_version);

// At the recipient: C - x_d·B = s_d·P, rendered by render_pseudonym. Refuses a ciphertext whose Y'
// is not this recipient's public key (not rekeyed for this domain, or tampered with).
Result<std::string> decrypt(const RecipientKey& key, const PolymorphicCiphertext& ciphertext);

// s_d·P computed directly by the key server: equal to what the domain's recipient decrypts.
std::string direct_pseudonym(const PolymorphicMasterKeys& master, std::string_view domain, const PersonNumber& number);

// "ppd1:" + base32 (RFC 4648 §6, lower case) of the first 20 bytes of SHA-256 of the compressed
// point: short, fixed length, and a one-way step away from the group element itself.
std::string render_pseudonym(const p256::Point& domain_point);

}  // namespace eenplan
