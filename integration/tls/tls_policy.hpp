// The one TLS policy of every connection the hub makes or accepts: TLS 1.2 or newer, forward-secret
// AEAD suites only (ECDHE with AES-GCM or ChaCha20-Poly1305; the TLS 1.3 suites, all of which are).
#pragma once

#include <Poco/Net/Context.h>

namespace eenplan::integration {

// OpenSSL cipher list for TLS 1.2: Mozilla's "intermediate" configuration without the DHE suites
// (finite-field DH needs parameter care and nothing we talk to lacks ECDHE). No RSA key exchange
// (not forward-secret), no CBC (padding oracles), no SHA-1 MACs.
inline constexpr const char* tls12_cipher_list =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// TLS 1.3 suites (all forward-secret AEAD; set explicitly so a system default cannot widen them).
inline constexpr const char* tls13_cipher_suites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

// Context parameters with the policy's cipher list; the caller sets keys, CAs and verification.
Poco::Net::Context::Params tls_params();

// A context for `usage` under the policy: the minimum protocol, the TLS 1.3 suites, and (server)
// the server's order of preference.
Poco::Net::Context::Ptr make_tls_context(Poco::Net::Context::Usage usage, const Poco::Net::Context::Params& params);

}  // namespace eenplan::integration
