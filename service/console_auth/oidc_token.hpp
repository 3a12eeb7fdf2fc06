// What the console's OpenID Connect client reads from the identity provider, parsed and checked
// without any I/O (so the fuzz target reaches all of it): the discovery document (OpenID Connect
// Discovery 1.0 section 3), the JWKS (RFC 7517; RSA from n/e, EC P-256 from x/y) and the ID token
// (OpenID Connect Core 1.0 section 3.1.3.7: signature by a JWKS key under RS256 or ES256 only —
// never "none" or an HMAC, whose key would be our own client secret — iss, aud/azp, exp, iat, nonce).
// Also the PKCE pieces (RFC 7636, S256) and the form and query encodings of the flow.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Poco/JSON/Object.h>

#include "eenplan/core/result.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace eenplan::service::oidc {

struct Discovery {
    std::string issuer;
    std::string authorization_endpoint;
    std::string token_endpoint;
    std::string jwks_uri;
};

// The document must name `expected_issuer` exactly (section 4.3) and https endpoints (http only
// when the issuer itself is plain http, which configuration allows on loopback only).
Result<Discovery> parse_discovery(std::string_view json, const std::string& expected_issuer);

struct Jwk {
    std::string kid;                // empty when the key has none
    std::string alg;                // "RS256" or "ES256"
    std::shared_ptr<EVP_PKEY> key;  // the public key
};
using Jwks = std::vector<Jwk>;

// The signing keys of a JWKS we can use (RSA of at least 2048 bits, EC P-256); other keys are
// skipped. A problem when the document is not a JWKS or holds no usable key.
Result<Jwks> parse_jwks(std::string_view json);

struct IdTokenRules {
    std::string issuer;
    std::string client_id;
    std::string nonce;
    std::int64_t now_s = 0;
    std::int64_t leeway_s = 60;    // clock skew for exp and iat
    std::int64_t max_age_s = 600;  // an iat older than this is refused
};

// The verified claims, or why the token is refused (one sentence, nothing from the token).
Result<Poco::JSON::Object::Ptr> verify_id_token(std::string_view token, const Jwks& keys, const IdTokenRules& rules);

// The "kid" of a compact JWS's header (empty when absent or unreadable), to refresh the JWKS.
std::string token_key_id(std::string_view token);

// The string values of a claim that is a string or an array of strings.
std::vector<std::string> string_claim_values(const Poco::JSON::Object& claims, const std::string& name);

// The token endpoint's JSON answer: its id_token (section 3.1.3.3).
Result<std::string> parse_token_response(std::string_view json);

// base64url without padding (RFC 7515 appendix C), and its canonical decoding.
std::string base64url(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);
// `bytes` random bytes from the system's CSPRNG, base64url: state, nonce, the PKCE code verifier.
std::string random_token(std::size_t bytes = 32);
// S256 code challenge of a code verifier: base64url(SHA-256(verifier)).
std::string code_challenge(std::string_view verifier);

// application/x-www-form-urlencoded (the token request body, the login form, a callback's query).
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);
// The fields of a query string or form body; a malformed percent escape refuses the whole text.
Result<std::map<std::string, std::string>> form_decode(std::string_view text);

}  // namespace eenplan::service::oidc
