#include "keytool/certificates.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <vector>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "eenplan/core/encoding.hpp"

namespace eenplan::keytool {
namespace {

struct Free {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
    void operator()(X509* p) const { X509_free(p); }
    void operator()(X509_NAME* p) const { X509_NAME_free(p); }
    void operator()(BIO* p) const { BIO_free(p); }
    void operator()(X509_CRL* p) const { X509_CRL_free(p); }
};
using Crl = std::unique_ptr<X509_CRL, Free>;
using Key = std::unique_ptr<EVP_PKEY, Free>;
using Cert = std::unique_ptr<X509, Free>;
using Name = std::unique_ptr<X509_NAME, Free>;
using Bio = std::unique_ptr<BIO, Free>;

// "CN=a,O=b" (RFC 2253: the most specific part first) into an X509_NAME whose RFC 2253 rendering
// is the same text again. Escaped commas are not supported: they are refused.
Name parse_subject(const std::string& subject) {
    std::vector<std::pair<std::string, std::string>> parts;
    std::size_t start = 0;
    while (start <= subject.size()) {
        const std::size_t end = std::min(subject.find(',', start), subject.size());
        const std::string part = subject.substr(start, end - start);
        const std::size_t eq = part.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == part.size() || part.find('\\') != std::string::npos) {
            return nullptr;
        }
        parts.emplace_back(part.substr(0, eq), part.substr(eq + 1));
        start = end + 1;
    }
    Name name(X509_NAME_new());
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
        if (X509_NAME_add_entry_by_txt(name.get(), it->first.c_str(), MBSTRING_UTF8,
                                       reinterpret_cast<const unsigned char*>(it->second.c_str()), -1, -1, 0) != 1) {
            return nullptr;
        }
    }
    return name;
}

Key new_p256_key() { return Key(EVP_EC_gen("P-256")); }

bool add_extension(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (ext == nullptr) return false;
    const bool ok = X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

Cert new_certificate(const X509_NAME* subject, EVP_PKEY* key, int days) {
    Cert cert(X509_new());
    X509_set_version(cert.get(), 2);
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1) return nullptr;
    serial[0] &= 0x7f;  // positive (RFC 5280 §4.1.2.2)
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300);
    X509_time_adj_ex(X509_getm_notAfter(cert.get()), days, 0, nullptr);
    X509_set_subject_name(cert.get(), subject);
    X509_set_pubkey(cert.get(), key);
    return cert;
}

// Writes `bio`'s contents to a new file (O_EXCL) with `mode`.
std::string write_new_file(const std::string& path, BIO* bio, mode_t mode) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, mode);
    if (fd < 0) return "cannot create " + path + " (it must not exist yet)";
    const bool written = ::write(fd, data, static_cast<std::size_t>(size)) == static_cast<ssize_t>(size);
    ::close(fd);
    return written ? "" : "cannot write " + path;
}

std::string write_key(const std::string& path, EVP_PKEY* key) {
    Bio bio(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return "cannot encode a key";
    return write_new_file(path, bio.get(), 0600);
}

std::string write_certificate(const std::string& path, X509* cert) {
    Bio bio(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_X509(bio.get(), cert) != 1) return "cannot encode a certificate";
    return write_new_file(path, bio.get(), 0644);
}

}  // namespace

std::string make_ca(const std::string& key_file, const std::string& certificate_file, const std::string& subject,
                    int days) {
    const Name name = parse_subject(subject);
    if (!name) return "the subject must be RFC 2253, e.g. \"CN=eenplan clients CA,O=Gemeente X\"";
    const Key key = new_p256_key();
    if (!key) return "cannot make a P-256 key";
    Cert cert = new_certificate(name.get(), key.get(), days);
    if (!cert || X509_set_issuer_name(cert.get(), name.get()) != 1 ||
        !add_extension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0") ||
        !add_extension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign") ||
        !add_extension(cert.get(), cert.get(), NID_subject_key_identifier, "hash") ||
        X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
        return "cannot make the CA certificate";
    }
    if (std::string error = write_key(key_file, key.get()); !error.empty()) return error;
    return write_certificate(certificate_file, cert.get());
}

std::string issue_client_certificate(const std::string& ca_key_file, const std::string& ca_certificate_file,
                                     const std::string& subject, const std::string& key_file,
                                     const std::string& certificate_file, int days, std::string& fingerprint) {
    const Name name = parse_subject(subject);
    if (!name) return "the subject must be RFC 2253, e.g. \"CN=eenplan-hub,O=Gemeente X\"";
    Bio ca_key_bio(BIO_new_file(ca_key_file.c_str(), "r"));
    Bio ca_cert_bio(BIO_new_file(ca_certificate_file.c_str(), "r"));
    if (!ca_key_bio || !ca_cert_bio) return "cannot read the CA's key or certificate";
    const Key ca_key(PEM_read_bio_PrivateKey(ca_key_bio.get(), nullptr, nullptr, nullptr));
    const Cert ca_cert(PEM_read_bio_X509(ca_cert_bio.get(), nullptr, nullptr, nullptr));
    if (!ca_key || !ca_cert) return "the CA's key or certificate is not PEM";
    if (X509_check_private_key(ca_cert.get(), ca_key.get()) != 1)
        return "the CA's key does not belong to its certificate";
    const Key key = new_p256_key();
    if (!key) return "cannot make a P-256 key";
    Cert cert = new_certificate(name.get(), key.get(), days);
    if (!cert || X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert.get())) != 1 ||
        !add_extension(cert.get(), ca_cert.get(), NID_basic_constraints, "critical,CA:FALSE") ||
        !add_extension(cert.get(), ca_cert.get(), NID_key_usage, "critical,digitalSignature") ||
        !add_extension(cert.get(), ca_cert.get(), NID_ext_key_usage, "clientAuth") ||
        !add_extension(cert.get(), ca_cert.get(), NID_authority_key_identifier, "keyid:always") ||
        X509_sign(cert.get(), ca_key.get(), EVP_sha256()) == 0) {
        return "cannot issue the certificate";
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (X509_digest(cert.get(), EVP_sha256(), digest, &length) != 1) return "cannot fingerprint the certificate";
    fingerprint = hex_encode(std::span<const std::uint8_t>(digest, length));
    if (std::string error = write_key(key_file, key.get()); !error.empty()) return error;
    return write_certificate(certificate_file, cert.get());
}

std::string write_crl(const std::string& ca_key_file, const std::string& ca_certificate_file,
                      const std::string& crl_file, const std::string& revoked_certificate_file, int days) {
    Bio ca_key_bio(BIO_new_file(ca_key_file.c_str(), "r"));
    Bio ca_cert_bio(BIO_new_file(ca_certificate_file.c_str(), "r"));
    if (!ca_key_bio || !ca_cert_bio) return "cannot read the CA's key or certificate";
    const Key ca_key(PEM_read_bio_PrivateKey(ca_key_bio.get(), nullptr, nullptr, nullptr));
    const Cert ca_cert(PEM_read_bio_X509(ca_cert_bio.get(), nullptr, nullptr, nullptr));
    if (!ca_key || !ca_cert) return "the CA's key or certificate is not PEM";
    if (X509_check_private_key(ca_cert.get(), ca_key.get()) != 1)
        return "the CA's key does not belong to its certificate";

    Crl crl(X509_CRL_new());
    if (!crl || X509_CRL_set_version(crl.get(), 1) != 1 ||
        X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(ca_cert.get())) != 1) {
        return "cannot make a revocation list";
    }
    // The entries already revoked, from a list this CA signed.
    if (Bio old_bio(BIO_new_file(crl_file.c_str(), "r")); old_bio) {
        const Crl old(PEM_read_bio_X509_CRL(old_bio.get(), nullptr, nullptr, nullptr));
        if (!old) return crl_file + " is not a PEM revocation list";
        if (X509_CRL_verify(old.get(), X509_get0_pubkey(ca_cert.get())) != 1)
            return crl_file + " is not signed by this CA";
        const STACK_OF(X509_REVOKED)* entries = X509_CRL_get_REVOKED(old.get());
        for (int i = 0; i < sk_X509_REVOKED_num(entries); ++i) {
            X509_REVOKED* copy = X509_REVOKED_dup(sk_X509_REVOKED_value(entries, i));
            if (copy == nullptr || X509_CRL_add0_revoked(crl.get(), copy) != 1) return "cannot copy a revoked entry";
        }
    }
    if (!revoked_certificate_file.empty()) {
        Bio cert_bio(BIO_new_file(revoked_certificate_file.c_str(), "r"));
        const Cert revoked(cert_bio ? PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr) : nullptr);
        if (!revoked) return "cannot read " + revoked_certificate_file + " as a PEM certificate";
        if (X509_verify(revoked.get(), X509_get0_pubkey(ca_cert.get())) != 1)
            return revoked_certificate_file + " was not issued by this CA";
        X509_REVOKED* entry = X509_REVOKED_new();
        ASN1_TIME* when = X509_gmtime_adj(nullptr, 0);
        const bool ok = entry != nullptr && when != nullptr &&
                        X509_REVOKED_set_serialNumber(entry, X509_get_serialNumber(revoked.get())) == 1 &&
                        X509_REVOKED_set_revocationDate(entry, when) == 1;
        ASN1_TIME_free(when);
        if (!ok || X509_CRL_add0_revoked(crl.get(), entry) != 1) {
            X509_REVOKED_free(entry);
            return "cannot add the revoked entry";
        }
    }
    ASN1_TIME* this_update = X509_gmtime_adj(nullptr, 0);
    ASN1_TIME* next_update = X509_time_adj_ex(nullptr, days, 0, nullptr);
    const bool dated = this_update != nullptr && next_update != nullptr &&
                       X509_CRL_set1_lastUpdate(crl.get(), this_update) == 1 &&
                       X509_CRL_set1_nextUpdate(crl.get(), next_update) == 1;
    ASN1_TIME_free(this_update);
    ASN1_TIME_free(next_update);
    if (!dated || X509_CRL_sort(crl.get()) != 1 || X509_CRL_sign(crl.get(), ca_key.get(), EVP_sha256()) == 0) {
        return "cannot sign the revocation list";
    }
    Bio bio(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_X509_CRL(bio.get(), crl.get()) != 1) return "cannot encode the revocation list";
    // Written beside it and renamed over it: a key server starting meanwhile reads the old or the new list.
    const std::string partial = crl_file + ".new";
    ::unlink(partial.c_str());
    if (std::string error = write_new_file(partial, bio.get(), 0644); !error.empty()) return error;
    if (std::rename(partial.c_str(), crl_file.c_str()) != 0) return "cannot replace " + crl_file;
    return "";
}

}  // namespace eenplan::keytool
