// Owning handles for OpenSSL objects, so that every early return frees what it allocated.
// Private to module/core. Deleters that can hold secrets clear before freeing.
#pragma once

#include <memory>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

namespace eenplan::ossl {

struct BnCtxDeleter {
    void operator()(BN_CTX* p) const noexcept { BN_CTX_free(p); }
};
struct BignumDeleter {
    void operator()(BIGNUM* p) const noexcept { BN_clear_free(p); }
};
struct PointDeleter {
    void operator()(EC_POINT* p) const noexcept { EC_POINT_clear_free(p); }
};
struct MdCtxDeleter {
    void operator()(EVP_MD_CTX* p) const noexcept { EVP_MD_CTX_free(p); }
};
struct MdDeleter {
    void operator()(EVP_MD* p) const noexcept { EVP_MD_free(p); }
};
struct MacCtxDeleter {
    void operator()(EVP_MAC_CTX* p) const noexcept { EVP_MAC_CTX_free(p); }
};
struct CipherCtxDeleter {
    void operator()(EVP_CIPHER_CTX* p) const noexcept { EVP_CIPHER_CTX_free(p); }
};
struct KdfCtxDeleter {
    void operator()(EVP_KDF_CTX* p) const noexcept { EVP_KDF_CTX_free(p); }
};

using BnCtx = std::unique_ptr<BN_CTX, BnCtxDeleter>;
using Bignum = std::unique_ptr<BIGNUM, BignumDeleter>;
using Point = std::unique_ptr<EC_POINT, PointDeleter>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;
using Md = std::unique_ptr<EVP_MD, MdDeleter>;
using MacCtx = std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter>;
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;
using KdfCtx = std::unique_ptr<EVP_KDF_CTX, KdfCtxDeleter>;

// A fresh BIGNUM; throws std::bad_alloc when OpenSSL cannot allocate (lost infrastructure).
Bignum new_bignum();

// SHA-256 fetched once per process: an implicit fetch per call (EVP_sha256() in OpenSSL 3) costs
// a lock and a lookup every time, which dominates short hashes.
const EVP_MD* sha256();

}  // namespace eenplan::ossl
