#include "http/client_certificate.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <Poco/Crypto/X509Certificate.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/SecureStreamSocket.h>

#include "eenplan/core/encoding.hpp"

namespace eenplan::service {
namespace {

std::string rfc2253_subject(const X509* certificate) {
    BIO* bio = BIO_new(BIO_s_mem());
    if (bio == nullptr) return {};
    X509_NAME_print_ex(bio, X509_get_subject_name(certificate), 0, XN_FLAG_RFC2253);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    std::string subject(data, static_cast<std::size_t>(size > 0 ? size : 0));
    BIO_free(bio);
    return subject;
}

std::string sha256_fingerprint(const X509* certificate) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (X509_digest(certificate, EVP_sha256(), digest, &length) != 1) return {};
    return hex_encode(std::span<const std::uint8_t>(digest, length));
}

}  // namespace

std::optional<PeerCertificate> peer_certificate(Poco::Net::HTTPServerRequest& request) {
    if (!request.secure()) return std::nullopt;
    auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request);
    if (impl == nullptr) return std::nullopt;
    try {
        Poco::Net::SecureStreamSocket socket(impl->socket());
        if (!socket.havePeerCertificate()) return std::nullopt;
        const Poco::Crypto::X509Certificate certificate = socket.peerCertificate();
        return PeerCertificate{rfc2253_subject(certificate.certificate()),
                               sha256_fingerprint(certificate.certificate())};
    } catch (const Poco::Exception&) {
        return std::nullopt;  // not a TLS socket after all, or the connection is gone
    }
}

bool certificate_matches(const ClientCertificateRule& rule, const std::optional<PeerCertificate>& presented) {
    if (!presented) return false;
    if (!rule.subject && !rule.sha256) return false;  // the schema requires one; never match nothing
    if (rule.subject && presented->subject != *rule.subject) return false;
    if (rule.sha256 && presented->sha256 != *rule.sha256) return false;
    return true;
}

}  // namespace eenplan::service
