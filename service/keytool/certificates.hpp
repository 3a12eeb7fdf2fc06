// A small CA for the key server's clients (the hub, organisations): P-256 keys and X.509
// certificates made with OpenSSL's C API, so that issuing needs no openssl command line.
#pragma once

#include <string>

namespace eenplan::keytool {

// A self-signed CA certificate (basicConstraints CA:TRUE, keyCertSign) and its key. `subject` is
// RFC 2253 ("CN=eenplan clients CA,O=Gemeente X"); both files must not exist yet; the key is 0600.
// Returns an empty string, or a sentence saying what failed.
std::string make_ca(const std::string& key_file, const std::string& certificate_file, const std::string& subject,
                    int days);

// A client certificate (CA:FALSE, digitalSignature, extendedKeyUsage clientAuth) for `subject`,
// issued by the CA, and its new key (0600). `fingerprint` receives the SHA-256 of the certificate
// (lower-case hex), as the key server's clients[].certificate.sha256 takes it.
std::string issue_client_certificate(const std::string& ca_key_file, const std::string& ca_certificate_file,
                                     const std::string& subject, const std::string& key_file,
                                     const std::string& certificate_file, int days, std::string& fingerprint);

// The CA's certificate revocation list (RFC 5280 §5), which the key server reads at start-up
// (listen.tls.client_crl_file): the entries already in `crl_file` (when it exists and is signed by
// this CA), plus `revoked_certificate_file`'s serial when one is given, signed anew with
// thisUpdate now and nextUpdate in `days`. The file is replaced whole (0644). A key server
// checking CRLs refuses every client once nextUpdate has passed: issue it again before then.
std::string write_crl(const std::string& ca_key_file, const std::string& ca_certificate_file,
                      const std::string& crl_file, const std::string& revoked_certificate_file, int days);

}  // namespace eenplan::keytool
