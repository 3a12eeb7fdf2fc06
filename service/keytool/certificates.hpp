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

}  // namespace eenplan::keytool
