// Authentication of the admin API: "Authorization: Bearer <JWT>", HS256 under the secret from
// admin.jwt_secret_file (RFC 7519, checked here rather than by Poco::JWT, whose signature
// comparison is not constant-time): "iss" and "aud" as expected, a numeric "exp" in the future
// and at most max_lifetime_s away, "nbf" (if present) not in the future, a "sub" (who acts,
// recorded with every decision) and a "roles" claim. Reading records needs "admin", "privacy_officer" or
// "auditor"; changing them (decisions, merges, retries) needs "admin"; reading the audit trail needs
// "privacy_officer" or "auditor". The same rules grant a console session (grant_access).
// An optional string claim "on_behalf_of" names whom the subject acts for (NEN 7513); it is recorded
// in the audit trail with the subject.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "eenplan/core/result.hpp"

namespace eenplan::service {

// privacy: agreements, consents, the art. 30 register, subject access, retention runs and erasure
// (privacy_officer only).
enum class AdminAccess { read, write, audit, privacy };

struct AdminIdentity {
    std::string subject;
    std::string on_behalf_of;  // empty when the token names no one
    std::string role;          // the role that granted this access
};

struct AdminRefusal {
    AdminRefusal(int status_, std::string detail_) : status(status_), detail(std::move(detail_)) {}
    AdminRefusal(int status_, std::string detail_, std::string subject_, std::string on_behalf_of_, std::string roles_)
        : status(status_),
          detail(std::move(detail_)),
          subject(std::move(subject_)),
          on_behalf_of(std::move(on_behalf_of_)),
          roles(std::move(roles_)) {}

    int status;          // 401 (who are you?) or 403 (not allowed)
    std::string detail;  // one sentence, nothing from the token
    // 403 only: who was refused, on whose behalf, and the roles the token holds (comma-separated).
    std::string subject;
    std::string on_behalf_of;
    std::string roles;
};

// What a token must say besides its signature.
struct AdminTokenRules {
    std::string issuer = "eenplan";           // "iss"
    std::string audience = "eenplan-admin";   // "aud": this string, or an array holding it
    std::int64_t max_lifetime_s = 12 * 3600;  // "exp" at most this far from now
    std::int64_t leeway_s = 60;               // clock skew allowed for "nbf"
};

// What `roles` (of a token or a console session) allow for `access`: the identity with the role that
// granted it, or a 403 refusal naming the subject and the roles held.
std::variant<AdminIdentity, AdminRefusal> grant_access(const std::string& subject, const std::string& on_behalf_of,
                                                       const std::vector<std::string>& roles, AdminAccess access);

class AdminAuth {
public:
    // Without a secret every request is refused.
    explicit AdminAuth(std::optional<std::string> secret, AdminTokenRules rules = {})
        : secret_(std::move(secret)), rules_(std::move(rules)) {}

    // Reads the secret file (at least 32 bytes, white space trimmed); problems point at the config.
    static Result<AdminAuth> from_file(const std::optional<std::string>& path);

    // The caller, or why not. now_s is Unix seconds.
    [[nodiscard]] std::variant<AdminIdentity, AdminRefusal> authenticate(const std::string& authorization,
                                                                         AdminAccess access, std::int64_t now_s) const;

private:
    std::optional<std::string> secret_;
    AdminTokenRules rules_;
};

}  // namespace eenplan::service
