#include "eenplan/core/keyed_pseudonymiser.hpp"

#include <algorithm>
#include <array>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdexcept>

#include "openssl_handles.hpp"

namespace eenplan {
namespace {

constexpr std::size_t block_size = 64;  // SHA-256 block, B in RFC 2104

void check(int openssl_result, const char* what) {
    if (openssl_result != 1) throw std::runtime_error(std::string("OpenSSL failed: ") + what);
}

ossl::MdCtx new_md_ctx() {
    ossl::MdCtx ctx(EVP_MD_CTX_new());
    if (!ctx) throw std::bad_alloc();
    return ctx;
}

}  // namespace

void KeyedPseudonymiser::Deleter::operator()(EVP_MD_CTX* p) const noexcept { EVP_MD_CTX_free(p); }

KeyedPseudonymiser::KeyedPseudonymiser(const VersionedKey& key)
    : version_(key.version()),
      prefix_("kp1:" + std::to_string(key.version()) + ":"),
      inner_(new_md_ctx().release()),
      outer_(new_md_ctx().release()) {
    // RFC 2104 §2: a key longer than the block is hashed first, a shorter one padded with zeros.
    std::array<std::uint8_t, block_size> pad{};
    const Bytes& secret = key.secret();
    if (secret.size() > block_size) {
        check(EVP_Digest(secret.data(), secret.size(), pad.data(), nullptr, ossl::sha256(), nullptr),
              "hash long HMAC key");
    } else {
        std::copy(secret.begin(), secret.end(), pad.begin());
    }
    for (auto& byte : pad) byte ^= 0x36;  // ipad
    check(EVP_DigestInit_ex(inner_.get(), ossl::sha256(), nullptr), "digest init");
    check(EVP_DigestUpdate(inner_.get(), pad.data(), pad.size()), "inner pad");
    for (auto& byte : pad) byte ^= 0x36 ^ 0x5c;  // opad
    check(EVP_DigestInit_ex(outer_.get(), ossl::sha256(), nullptr), "digest init");
    check(EVP_DigestUpdate(outer_.get(), pad.data(), pad.size()), "outer pad");
    OPENSSL_cleanse(pad.data(), pad.size());
}

KeyedPseudonymiser::~KeyedPseudonymiser() = default;

std::array<std::uint8_t, 20> KeyedPseudonymiser::mac(std::initializer_list<std::string_view> message) const {
    // One scratch context per thread: the key states above are only read (copied from).
    thread_local const ossl::MdCtx work = new_md_ctx();

    // HMAC = H(K^opad || H(K^ipad || message)).
    std::array<std::uint8_t, 32> inner_hash{};
    std::array<std::uint8_t, 32> full{};
    check(EVP_MD_CTX_copy_ex(work.get(), inner_.get()), "copy inner state");
    for (std::string_view part : message) {
        check(EVP_DigestUpdate(work.get(), part.data(), part.size()), "digest update");
    }
    check(EVP_DigestFinal_ex(work.get(), inner_hash.data(), nullptr), "inner hash");
    check(EVP_MD_CTX_copy_ex(work.get(), outer_.get()), "copy outer state");
    check(EVP_DigestUpdate(work.get(), inner_hash.data(), inner_hash.size()), "outer update");
    check(EVP_DigestFinal_ex(work.get(), full.data(), nullptr), "outer hash");
    OPENSSL_cleanse(inner_hash.data(), inner_hash.size());
    std::array<std::uint8_t, 20> out{};
    std::copy_n(full.begin(), out.size(), out.begin());
    return out;
}

std::string KeyedPseudonymiser::render(const std::array<std::uint8_t, 20>& mac) const {
    std::string out;
    out.reserve(prefix_.size() + 32);
    out += prefix_;
    out += base32_encode(mac);
    return out;
}

std::string KeyedPseudonymiser::pseudonym(std::string_view domain, const PersonNumber& number) const {
    return pseudonym(domain, to_string(number.kind()), number.digits_for_keyed_use());
}

std::string KeyedPseudonymiser::pseudonym(std::string_view domain, std::string_view kind,
                                          std::string_view identity) const {
    return render(mac({"eenplan/v1|", domain, "|", kind, "|", identity}));
}

Result<std::string> KeyedPseudonymiser::advance(std::string_view previous) const {
    if (keyed_pseudonym_version(previous) + 1 != version_) {
        return Problem{"", "is not a keyed pseudonym of version " + std::to_string(version_ - 1)};
    }
    const auto raw = base32_decode(previous.substr(previous.find(':', 4) + 1));
    if (!raw || raw->size() != 20) return Problem{"", "is not a keyed pseudonym"};
    const std::string_view raw_text(reinterpret_cast<const char*>(raw->data()), raw->size());
    return render(mac({"eenplan/v1|advance|", raw_text}));
}

std::string chained_keyed_pseudonym(const KeyRing& ring, std::string_view domain, std::string_view kind,
                                    std::string_view identity) {
    const auto versions = ring.versions();
    const std::uint32_t first = *std::min_element(versions.begin(), versions.end());
    std::string value = KeyedPseudonymiser(*ring.find(first)).pseudonym(domain, kind, identity);
    if (first == ring.current().version()) return value;
    auto advanced = advance_keyed_pseudonym(ring, value);
    if (!advanced) throw std::logic_error("a pseudonym key ring must hold every version up to its current one");
    return std::move(advanced).value();
}

std::string keyed_pseudonym(const KeyRing& ring, std::string_view domain, const PersonNumber& number) {
    return chained_keyed_pseudonym(ring, domain, to_string(number.kind()), number.digits_for_keyed_use());
}

Result<std::string> advance_keyed_pseudonym(const KeyRing& ring, std::string_view stored) {
    const std::uint32_t from = keyed_pseudonym_version(stored);
    const std::uint32_t to = ring.current().version();
    if (from == 0) return Problem{"", "is not a keyed pseudonym (\"kp1:<version>:...\")"};
    if (from > to) return Problem{"", "was made with key version " + std::to_string(from) + ", newer than the ring's"};
    std::string value(stored);
    for (std::uint32_t version = from + 1; version <= to; ++version) {
        const VersionedKey* key = ring.find(version);
        if (key == nullptr) {
            return Problem{"", "cannot be moved past key version " + std::to_string(version - 1) +
                                   ", which the ring does not follow with " + std::to_string(version)};
        }
        auto next = KeyedPseudonymiser(*key).advance(value);
        if (!next) return next.problems();
        value = std::move(next).value();
    }
    return value;
}

}  // namespace eenplan
