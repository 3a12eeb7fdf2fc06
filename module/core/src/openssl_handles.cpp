#include "openssl_handles.hpp"

#include <new>
#include <stdexcept>

namespace eenplan::ossl {

Bignum new_bignum() {
    Bignum bn(BN_new());
    if (!bn) throw std::bad_alloc();
    return bn;
}

const EVP_MD* sha256() {
    static const Md md(EVP_MD_fetch(nullptr, "SHA256", nullptr));
    if (!md) throw std::runtime_error("OpenSSL has no SHA-256 implementation loaded");
    return md.get();
}

}  // namespace eenplan::ossl
