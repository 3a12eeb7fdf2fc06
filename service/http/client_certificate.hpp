// Mutual TLS per source: the client certificate presented on a request's connection, and whether
// it is the one a source's settings name (sources[].client_certificate, docs/security.md).
#pragma once

#include <optional>
#include <string>

#include <Poco/Net/HTTPServerRequest.h>

#include "config/config.hpp"

namespace eenplan::service {

struct PeerCertificate {
    std::string subject;  // RFC 2253, e.g. "CN=obs-de-regenboog,O=Stichting X,C=NL"
    std::string sha256;   // of the DER encoding, 64 lowercase hex digits
};

// The certificate the client presented (verified against listen.tls.client_ca_file during the
// handshake), or nullopt: plain HTTP, or no certificate presented.
std::optional<PeerCertificate> peer_certificate(Poco::Net::HTTPServerRequest& request);

// True when every part of `rule` matches the presented certificate; false without one.
bool certificate_matches(const ClientCertificateRule& rule, const std::optional<PeerCertificate>& presented);

}  // namespace eenplan::service
