#include "keyed_hash.hpp"

#include <algorithm>
#include <new>
#include <openssl/crypto.h>
#include <stdexcept>
#include <string>

namespace eenplan::linkage::detail {
namespace {

constexpr std::size_t block_size = 64;

void check(int result, const char* what) {
    if (result != 1) throw std::runtime_error(std::string("OpenSSL failed: ") + what);
}

ossl::MdCtx new_ctx() {
    ossl::MdCtx ctx(EVP_MD_CTX_new());
    if (!ctx) throw std::bad_alloc();
    return ctx;
}

}  // namespace

KeyedHash::KeyedHash(std::span<const std::uint8_t> key) : inner_(new_ctx()), outer_(new_ctx()) {
    std::array<std::uint8_t, block_size> pad{};
    if (key.size() > block_size) {
        check(EVP_Digest(key.data(), key.size(), pad.data(), nullptr, EVP_sha256(), nullptr), "hash long key");
    } else {
        std::copy(key.begin(), key.end(), pad.begin());
    }
    for (auto& b : pad) b ^= 0x36;
    check(EVP_DigestInit_ex(inner_.get(), EVP_sha256(), nullptr), "digest init");
    check(EVP_DigestUpdate(inner_.get(), pad.data(), pad.size()), "inner pad");
    for (auto& b : pad) b ^= 0x36 ^ 0x5c;
    check(EVP_DigestInit_ex(outer_.get(), EVP_sha256(), nullptr), "digest init");
    check(EVP_DigestUpdate(outer_.get(), pad.data(), pad.size()), "outer pad");
    OPENSSL_cleanse(pad.data(), pad.size());
}

Digest KeyedHash::mac(std::initializer_list<std::string_view> parts) const {
    thread_local const ossl::MdCtx work = new_ctx();
    Digest inner{};
    Digest out{};
    check(EVP_MD_CTX_copy_ex(work.get(), inner_.get()), "copy inner");
    for (std::string_view part : parts) check(EVP_DigestUpdate(work.get(), part.data(), part.size()), "update");
    check(EVP_DigestFinal_ex(work.get(), inner.data(), nullptr), "inner final");
    check(EVP_MD_CTX_copy_ex(work.get(), outer_.get()), "copy outer");
    check(EVP_DigestUpdate(work.get(), inner.data(), inner.size()), "outer update");
    check(EVP_DigestFinal_ex(work.get(), out.data(), nullptr), "outer final");
    return out;
}

}  // namespace eenplan::linkage::detail
