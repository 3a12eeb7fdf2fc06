#include "console_auth/console_auth.hpp"

#include <algorithm>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <Poco/URI.h>

#include "console_auth/oidc_client.hpp"
#include "console_auth/password_hash.hpp"
#include "eenplan/core/encoding.hpp"
#include "store/database.hpp"
#include "store/row_values.hpp"

namespace eenplan::service {
namespace {

constexpr std::int64_t us_per_s = 1000000;
constexpr std::int64_t oidc_login_lifetime_us = 10 * 60 * us_per_s;  // from redirect to callback
constexpr std::int64_t touch_every_us = 30 * us_per_s;               // last_seen is written at most this often

std::string sha256_hex(std::string_view text) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
    return hex_encode(std::span<const std::uint8_t>(digest, sizeof digest));
}

std::string csrf_token_of(const std::string& session_id) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    const std::string input = std::string("eenplan console csrf\n") + session_id;
    SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
    return oidc::base64url(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& item : items) out += (out.empty() ? "" : ",") + item;
    return out;
}

std::vector<std::string> split(const std::string& text) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t comma = std::min(text.find(',', at), text.size());
        if (comma > at) out.push_back(text.substr(at, comma - at));
        at = comma + 1;
    }
    return out;
}

// A cookie value this service could have set: 32 bytes, base64url.
bool plausible_session_id(const std::string& value) {
    if (value.size() != 43) return false;
    return std::all_of(value.begin(), value.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
}

}  // namespace

bool known_console_role(const std::string& role) {
    return role == "admin" || role == "privacy_officer" || role == "auditor";
}

ConsoleAuth::ConsoleAuth(Database& database, const ConsoleConfig& config, const Clock& clock)
    : database_(database),
      config_(config),
      clock_(clock),
      accounts_(config.free_attempts, config.max_lockout_seconds),
      addresses_(config.free_attempts * 4, config.max_lockout_seconds),
      oidc_(config.oidc ? std::make_unique<OidcClient>(*config.oidc) : nullptr) {}

ConsoleAuth::~ConsoleAuth() = default;

void ConsoleAuth::put_account(Database& database, const std::string& username, const std::vector<std::string>& roles,
                              const std::string& password, std::int64_t now_us) {
    const std::string hash = hash_password(password);
    const std::string role_list = join(roles);
    const long long now = now_us;
    database.with_session([&](soci::session& sql) {
        soci::transaction tx(sql);
        long long created = now;
        soci::indicator found = soci::i_null;
        sql << "SELECT created_at_us FROM console_accounts WHERE username = :u", soci::use(username),
            soci::into(created, found);
        if (!sql.got_data()) created = now;
        sql << "DELETE FROM console_accounts WHERE username = :u", soci::use(username);
        sql << "DELETE FROM console_sessions WHERE username = :u AND via = 'local'", soci::use(username);
        sql << "INSERT INTO console_accounts (username, password_hash, roles, created_at_us, changed_at_us) "
               "VALUES (:u, :h, :r, :c, :t)",
            soci::use(username), soci::use(hash), soci::use(role_list), soci::use(created), soci::use(now);
        tx.commit();
    });
}

LoginOutcome ConsoleAuth::login(const std::string& username, const std::string& password,
                                const std::string& client_address) {
    LoginOutcome out;
    const std::string account_key = "account:" + username;
    const std::string address_key = "address:" + client_address;
    const std::int64_t now = clock_.now_us();
    const int wait = std::max(accounts_.wait_seconds(account_key, now), addresses_.wait_seconds(address_key, now));
    if (wait > 0) {
        out.kind = LoginOutcome::Kind::throttled;
        out.retry_after_s = wait;
        return out;
    }
    std::string hash;
    std::string roles;
    database_.with_session([&](soci::session& sql) {
        sql << "SELECT password_hash, roles FROM console_accounts WHERE username = :u", soci::use(username),
            soci::into(hash), soci::into(roles);
        if (!sql.got_data()) hash.clear();
    });
    out.known_account = !hash.empty();
    // An unknown name costs the same argon2id run as a known one: the timing tells no names.
    const bool matches =
        verify_password(out.known_account ? hash : decoy_password_hash(), password) && out.known_account;
    const std::vector<std::string> role_list = split(roles);
    if (!matches || role_list.empty()) {
        const std::int64_t failed_at = clock_.now_us();
        accounts_.failed(account_key, failed_at);
        addresses_.failed(address_key, failed_at);
        return out;
    }
    accounts_.succeeded(account_key);
    out.kind = LoginOutcome::Kind::signed_in;
    out.sign_in = start_session(username, role_list, "local");
    return out;
}

SignIn ConsoleAuth::start_session(const std::string& user, const std::vector<std::string>& roles,
                                  const std::string& via) {
    const std::string id = oidc::random_token(32);
    const std::string hash = sha256_hex(id);
    const std::string role_list = join(roles);
    const long long now = clock_.now_us();
    const long long idle_before = now - static_cast<long long>(config_.idle_timeout_minutes) * 60 * us_per_s;
    const long long created_before = now - static_cast<long long>(config_.absolute_timeout_hours) * 3600 * us_per_s;
    database_.with_session([&](soci::session& sql) {
        soci::transaction tx(sql);
        // Sessions past their time go when a new one starts: the table holds live ones only.
        sql << "DELETE FROM console_sessions WHERE last_seen_at_us < :i OR created_at_us < :c", soci::use(idle_before),
            soci::use(created_before);
        sql << "INSERT INTO console_sessions (session_hash, username, roles, via, created_at_us, last_seen_at_us) "
               "VALUES (:h, :u, :r, :v, :c, :t)",
            soci::use(hash), soci::use(user), soci::use(role_list), soci::use(via), soci::use(now), soci::use(now);
        tx.commit();
    });
    return SignIn{ConsoleSession{user, roles, csrf_token_of(id), via}, id};
}

std::optional<ConsoleSession> ConsoleAuth::session(const std::string& cookie_value) {
    if (!plausible_session_id(cookie_value)) return std::nullopt;
    const std::string hash = sha256_hex(cookie_value);
    const long long now = clock_.now_us();
    return database_.with_session([&](soci::session& sql) -> std::optional<ConsoleSession> {
        std::string user;
        std::string roles;
        std::string via;
        long long created = 0;
        long long last_seen = 0;
        sql << "SELECT username, roles, via, created_at_us, last_seen_at_us FROM console_sessions "
               "WHERE session_hash = :h",
            soci::use(hash), soci::into(user), soci::into(roles), soci::into(via), soci::into(created),
            soci::into(last_seen);
        if (!sql.got_data()) return std::nullopt;
        const bool idle = now - last_seen > static_cast<long long>(config_.idle_timeout_minutes) * 60 * us_per_s;
        const bool old = now - created > static_cast<long long>(config_.absolute_timeout_hours) * 3600 * us_per_s;
        if (idle || old) {
            sql << "DELETE FROM console_sessions WHERE session_hash = :h", soci::use(hash);
            return std::nullopt;
        }
        if (now - last_seen > touch_every_us) {
            sql << "UPDATE console_sessions SET last_seen_at_us = :t WHERE session_hash = :h", soci::use(now),
                soci::use(hash);
        }
        return ConsoleSession{user, split(roles), csrf_token_of(cookie_value), via};
    });
}

bool ConsoleAuth::csrf_matches(const ConsoleSession& session, const std::string& token) {
    return token.size() == session.csrf_token.size() && !token.empty() &&
           CRYPTO_memcmp(token.data(), session.csrf_token.data(), token.size()) == 0;
}

void ConsoleAuth::logout(const std::string& cookie_value) {
    if (!plausible_session_id(cookie_value)) return;
    const std::string hash = sha256_hex(cookie_value);
    database_.with_session(
        [&](soci::session& sql) { sql << "DELETE FROM console_sessions WHERE session_hash = :h", soci::use(hash); });
}

std::string ConsoleAuth::session_cookie(const std::string& value) const {
    // No Max-Age: the cookie ends with the browser; the server ends the session on its own clock.
    return std::string(session_cookie_name) + "=" + value + "; HttpOnly; Secure; SameSite=Strict; Path=/";
}

std::string ConsoleAuth::cleared_cookie() {
    return std::string(session_cookie_name) + "=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0";
}

std::string ConsoleAuth::oidc_authorization_url() {
    if (!oidc_) throw std::logic_error("OpenID Connect is not configured");
    const oidc::Discovery discovery = oidc_->discovery();
    const OidcConfig& c = oidc_->config();
    const std::string state = oidc::random_token(32);
    const std::string nonce = oidc::random_token(32);
    const std::string verifier = oidc::random_token(32);  // 43 characters (RFC 7636 section 4.1)
    const std::string state_hash = sha256_hex(state);
    const long long now = clock_.now_us();
    const long long stale = now - oidc_login_lifetime_us;
    database_.with_session([&](soci::session& sql) {
        soci::transaction tx(sql);
        sql << "DELETE FROM console_oidc_logins WHERE created_at_us < :s", soci::use(stale);
        sql << "INSERT INTO console_oidc_logins (state_hash, nonce, code_verifier, created_at_us) "
               "VALUES (:h, :n, :v, :t)",
            soci::use(state_hash), soci::use(nonce), soci::use(verifier), soci::use(now);
        tx.commit();
    });
    std::string scopes;
    for (const std::string& s : c.scopes) scopes += (scopes.empty() ? "" : " ") + s;
    const std::string query = oidc::form_encode({{"response_type", "code"},
                                                 {"client_id", c.client_id},
                                                 {"redirect_uri", c.redirect_uri},
                                                 {"scope", scopes},
                                                 {"state", state},
                                                 {"nonce", nonce},
                                                 {"code_challenge", oidc::code_challenge(verifier)},
                                                 {"code_challenge_method", "S256"}});
    const std::string& endpoint = discovery.authorization_endpoint;
    return endpoint + (endpoint.find('?') == std::string::npos ? "?" : "&") + query;
}

OidcOutcome ConsoleAuth::oidc_callback(const std::string& code, const std::string& state, const std::string& iss) {
    if (!oidc_) throw std::logic_error("OpenID Connect is not configured");
    const auto refuse = [](int status, std::string detail) { return OidcOutcome{status, std::move(detail), {}, {}}; };
    if (code.empty() || state.empty() || code.size() > 4096 || state.size() > 256) {
        return refuse(400, "the callback needs code and state");
    }
    const std::string state_hash = sha256_hex(state);
    std::string nonce;
    std::string verifier;
    long long created = 0;
    database_.with_session([&](soci::session& sql) {
        soci::transaction tx(sql);
        sql << "SELECT nonce, code_verifier, created_at_us FROM console_oidc_logins WHERE state_hash = :h",
            soci::use(state_hash), soci::into(nonce), soci::into(verifier), soci::into(created);
        if (!sql.got_data()) nonce.clear();
        sql << "DELETE FROM console_oidc_logins WHERE state_hash = :h", soci::use(state_hash);
        tx.commit();
    });
    if (nonce.empty() || clock_.now_us() - created > oidc_login_lifetime_us) {
        return refuse(401, "this login is unknown or has expired (state); start again");
    }
    // A mix-up defence (RFC 9207): the answer must come from the provider the login went to.
    if (!iss.empty() && iss != oidc_->config().issuer) return refuse(401, "the callback names another issuer (iss)");
    auto token = oidc_->exchange(code, verifier);
    if (!token) return refuse(401, token.problems()[0].detail);
    const OidcConfig& c = oidc_->config();
    const std::int64_t now_s = clock_.now_s();
    const oidc::Jwks keys = oidc_->keys(oidc::token_key_id(token.value()), now_s);
    auto claims = oidc::verify_id_token(token.value(), keys, {c.issuer, c.client_id, nonce, now_s});
    if (!claims) return refuse(401, "the ID token " + claims.problems()[0].detail);
    const auto names = oidc::string_claim_values(*claims.value(), c.username_claim);
    if (names.size() != 1 || names[0].empty() || names[0].size() > 200) {
        return refuse(401, "the ID token names no user (" + c.username_claim + ")");
    }
    std::vector<std::string> roles;
    for (const std::string& role : oidc::string_claim_values(*claims.value(), c.roles_claim)) {
        if (known_console_role(role) && std::find(roles.begin(), roles.end(), role) == roles.end()) {
            roles.push_back(role);
        }
    }
    if (roles.empty()) {
        OidcOutcome out = refuse(403, "the identity provider gives this user no console role (" + c.roles_claim + ")");
        out.user = names[0];
        return out;
    }
    OidcOutcome out;
    out.user = names[0];
    out.sign_in = start_session(names[0], roles, "oidc");
    return out;
}

}  // namespace eenplan::service
