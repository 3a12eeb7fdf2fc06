// The console's sign-in (docs/security.md, "Console sign-in"): local accounts (argon2id), login
// throttling, server-side sessions and OpenID Connect (authorization code with PKCE). The HTTP
// room asks it who a session cookie belongs to; it never sees the store (common/store_types.hpp).
//
// A session is a random 256-bit id in the cookie `eenplan_session`; the store keeps only its
// SHA-256. The CSRF token is derived from the id (SHA-256 over a label and the id), so it needs no
// storage, differs per session and is unknown to anyone who reads the store. Sessions end after
// `idle_timeout_minutes` without a request or `absolute_timeout_hours` after sign-in.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/store_types.hpp"
#include "config/config.hpp"
#include "console_auth/login_throttle.hpp"
#include "console_auth/oidc_token.hpp"
#include "eenplan/core/clock.hpp"

namespace eenplan::service {

inline constexpr const char* session_cookie_name = "eenplan_session";

// The roles a console user may hold (docs/security.md): admin, privacy_officer, auditor.
bool known_console_role(const std::string& role);

struct ConsoleSession {
    std::string user;
    std::vector<std::string> roles;
    std::string csrf_token;
    std::string via;  // "local" or "oidc"
};

struct SignIn {
    ConsoleSession session;
    std::string cookie_value;  // the session id, for Set-Cookie only
};

struct LoginOutcome {
    enum class Kind { signed_in, refused, throttled } kind = Kind::refused;
    std::optional<SignIn> sign_in;
    int retry_after_s = 0;       // throttled
    bool known_account = false;  // refused: the name is an account (the audit trail names it)
};

// The identity provider could not be reached or answered nonsense (503), or refused this login (401/403).
struct OidcOutcome {
    int status = 0;  // 0 signed in; else the HTTP status to answer
    std::string detail;
    std::optional<SignIn> sign_in;
    std::string user;  // who the ID token named, when it was valid (for the audit trail)
};

class OidcClient;  // console_auth/oidc_client.hpp

class ConsoleAuth {
public:
    ConsoleAuth(Database& database, const ConsoleConfig& config, const Clock& clock);
    ~ConsoleAuth();
    ConsoleAuth(const ConsoleAuth&) = delete;
    ConsoleAuth& operator=(const ConsoleAuth&) = delete;

    [[nodiscard]] bool local_login() const { return config_.local_login; }
    [[nodiscard]] bool oidc() const { return config_.oidc.has_value(); }

    // Local sign-in; the client address feeds the throttle.
    LoginOutcome login(const std::string& username, const std::string& password, const std::string& client_address);

    // The live session of a cookie value (its idle time restarts), or nullopt.
    std::optional<ConsoleSession> session(const std::string& cookie_value);
    // True when `token` is the session's CSRF token (constant-time comparison).
    static bool csrf_matches(const ConsoleSession& session, const std::string& token);
    void logout(const std::string& cookie_value);

    // OIDC: the identity provider's authorization URL for a new login (its state, nonce and PKCE
    // verifier are kept for the callback). Throws std::runtime_error when discovery fails.
    std::string oidc_authorization_url();
    // The callback: takes the state (once), exchanges the code, verifies the ID token. `iss`: the
    // callback's iss parameter when the provider sends one (RFC 9207), which must be the issuer.
    OidcOutcome oidc_callback(const std::string& code, const std::string& state, const std::string& iss = {});

    // Set-Cookie values: the session cookie, and one that clears it.
    [[nodiscard]] std::string session_cookie(const std::string& value) const;
    static std::string cleared_cookie();

    // --add-user: creates the account or replaces its password and roles (ending its sessions).
    static void put_account(Database& database, const std::string& username, const std::vector<std::string>& roles,
                            const std::string& password, std::int64_t now_us);

private:
    SignIn start_session(const std::string& user, const std::vector<std::string>& roles, const std::string& via);

    Database& database_;
    ConsoleConfig config_;
    const Clock& clock_;
    LoginThrottle accounts_;
    LoginThrottle addresses_;
    std::unique_ptr<OidcClient> oidc_;
};

}  // namespace eenplan::service
