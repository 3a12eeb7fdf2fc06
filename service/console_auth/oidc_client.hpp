// The back channel to the identity provider: discovery, the JWKS and the token request, each a
// bounded HTTPS exchange (integration's KeepAliveClient; the configured CA file, plain http only to a
// loopback issuer). Discovery is read once; the JWKS again when a token names a key it lacks (key
// rotation), at most once a minute.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "console_auth/oidc_token.hpp"

namespace eenplan::service {

class OidcClient {
public:
    explicit OidcClient(OidcConfig config) : config_(std::move(config)) {}

    [[nodiscard]] const OidcConfig& config() const { return config_; }
    // Throws std::runtime_error when the provider cannot be reached or its document is not valid.
    oidc::Discovery discovery();
    // The keys; fetched anew when `kid` is not among them (and the last fetch is a minute old).
    oidc::Jwks keys(const std::string& kid, std::int64_t now_s);
    // The ID token for an authorization code (RFC 6749 section 4.1.3 with the PKCE verifier).
    Result<std::string> exchange(const std::string& code, const std::string& code_verifier);

private:
    std::string get(const std::string& url);

    OidcConfig config_;
    std::mutex mutex_;
    std::optional<oidc::Discovery> discovery_;
    oidc::Jwks jwks_;
    std::int64_t jwks_fetched_s_ = 0;
};

}  // namespace eenplan::service
