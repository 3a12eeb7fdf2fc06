#include "eenplan/core/field_encryption.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdexcept>

#include "openssl_handles.hpp"

namespace eenplan {
namespace {

constexpr std::string_view prefix = "fe1:";
constexpr std::size_t tag_size = 16;
constexpr std::size_t key_size = 32;

void check(int openssl_result, const char* what) {
    if (openssl_result != 1) throw std::runtime_error(std::string("OpenSSL failed: ") + what);
}

// AES-256-GCM fetched once, not per value (see ossl::sha256()).
const EVP_CIPHER* aes_256_gcm() {
    struct Deleter {
        void operator()(EVP_CIPHER* p) const noexcept { EVP_CIPHER_free(p); }
    };
    static const std::unique_ptr<EVP_CIPHER, Deleter> cipher(EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr));
    if (!cipher) throw std::runtime_error("OpenSSL provides no AES-256-GCM");
    return cipher.get();
}

const std::uint8_t* bytes_of(std::string_view text) { return reinterpret_cast<const std::uint8_t*>(text.data()); }

// "fe1:<version>:<rest>" -> version and rest; version 0 when the text has another shape.
std::pair<std::uint32_t, std::string_view> split(std::string_view sealed) {
    if (!sealed.starts_with(prefix)) return {0, {}};
    sealed.remove_prefix(prefix.size());
    std::uint32_t version = 0;
    const char* last = sealed.data() + sealed.size();
    auto [end, ec] = std::from_chars(sealed.data(), last, version);
    if (ec != std::errc{} || end == sealed.data() || end == last || *end != ':') return {0, {}};
    return {version, std::string_view(end + 1, static_cast<std::size_t>(last - end - 1))};
}

}  // namespace

std::string encrypt_field(const KeyRing& ring, std::string_view plaintext, std::string_view associated_data) {
    std::array<std::uint8_t, field_nonce_size> nonce{};
    check(RAND_bytes(nonce.data(), static_cast<int>(nonce.size())), "RAND_bytes");
    return encrypt_field(ring.current(), plaintext, associated_data, nonce);
}

std::string encrypt_field(const VersionedKey& key, std::string_view plaintext, std::string_view associated_data,
                          std::span<const std::uint8_t, field_nonce_size> nonce) {
    if (key.secret().size() != key_size) {
        throw std::invalid_argument("a field encryption key must be exactly 32 bytes");
    }
    ossl::CipherCtx ctx(EVP_CIPHER_CTX_new());
    if (!ctx) throw std::bad_alloc();
    // The default GCM IV length is 12 bytes, the length SP 800-38D recommends.
    check(EVP_EncryptInit_ex2(ctx.get(), aes_256_gcm(), key.secret().data(), nonce.data(), nullptr), "encrypt init");

    Bytes sealed(field_nonce_size + plaintext.size() + tag_size);
    std::copy(nonce.begin(), nonce.end(), sealed.begin());
    int length = 0;
    check(EVP_EncryptUpdate(ctx.get(), nullptr, &length, bytes_of(associated_data),
                            static_cast<int>(associated_data.size())),
          "associated data");
    std::uint8_t* out = sealed.data() + field_nonce_size;
    check(EVP_EncryptUpdate(ctx.get(), out, &length, bytes_of(plaintext), static_cast<int>(plaintext.size())),
          "encrypt");
    int final_length = 0;
    check(EVP_EncryptFinal_ex(ctx.get(), out + length, &final_length), "encrypt final");
    check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag_size), out + plaintext.size()),
          "get tag");
    return std::string(prefix) + std::to_string(key.version()) + ":" + base64_encode(sealed);
}

Result<std::string> decrypt_field(const KeyRing& ring, std::string_view sealed, std::string_view associated_data,
                                  std::string pointer) {
    const auto [version, body] = split(sealed);
    if (version == 0) {
        return Problem{std::move(pointer), "must be an encrypted field \"fe1:<version>:<base64>\""};
    }
    const VersionedKey* key = ring.find(version);
    if (key == nullptr) {
        return Problem{std::move(pointer),
                       "was encrypted under key version " + std::to_string(version) + ", which is not in the ring"};
    }
    const auto bytes = base64_decode(body);
    if (!bytes || bytes->size() < field_nonce_size + tag_size) {
        return Problem{std::move(pointer), "must hold base64 of nonce, ciphertext and tag"};
    }
    if (key->secret().size() != key_size) {
        throw std::invalid_argument("a field encryption key must be exactly 32 bytes");
    }
    const std::size_t text_size = bytes->size() - field_nonce_size - tag_size;
    const std::uint8_t* ciphertext = bytes->data() + field_nonce_size;
    std::array<std::uint8_t, tag_size> tag{};
    std::copy_n(ciphertext + text_size, tag_size, tag.begin());

    ossl::CipherCtx ctx(EVP_CIPHER_CTX_new());
    if (!ctx) throw std::bad_alloc();
    check(EVP_DecryptInit_ex2(ctx.get(), aes_256_gcm(), key->secret().data(), bytes->data(), nullptr), "decrypt init");
    std::string plaintext(text_size, '\0');
    auto* out = reinterpret_cast<std::uint8_t*>(plaintext.data());
    int length = 0;
    int final_length = 0;
    const bool opened =
        EVP_DecryptUpdate(ctx.get(), nullptr, &length, bytes_of(associated_data),
                          static_cast<int>(associated_data.size())) == 1 &&
        EVP_DecryptUpdate(ctx.get(), out, &length, ciphertext, static_cast<int>(text_size)) == 1 &&
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag_size), tag.data()) == 1 &&
        EVP_DecryptFinal_ex(ctx.get(), out + length, &final_length) == 1;
    if (!opened) {
        // Nothing unauthenticated leaves this function.
        OPENSSL_cleanse(plaintext.data(), plaintext.size());
        return Problem{std::move(pointer), "could not be decrypted: wrong key, altered value or another record"};
    }
    return plaintext;
}

std::uint32_t field_key_version(std::string_view sealed) { return split(sealed).first; }

}  // namespace eenplan
