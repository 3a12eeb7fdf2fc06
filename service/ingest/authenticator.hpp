// Authentication as its own step, before the ingest pipeline: who sent this request, checked
// once. A source's own signals and the LAS/BRP adapters' payloads are signed with Standard
// Webhooks over the raw body; a ZGW Notificaties API callback carries the abonnement's
// Authorization value. Either way the result is an AuthenticatedSource, which only the
// Authenticator can make: the pipeline takes one and so never sees an unauthenticated request.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "config/config.hpp"
#include "eenplan/core/standard_webhooks.hpp"

namespace eenplan::service {

class Authenticator;
class NotificationInbox;  // ingest/notification_inbox.hpp

enum class AuthMethod { standard_webhooks, notification_token };

class AuthenticatedSource {
public:
    [[nodiscard]] const SourceConfig& source() const noexcept { return *source_; }
    [[nodiscard]] const std::string& id() const noexcept { return source_->id; }
    [[nodiscard]] AuthMethod method() const noexcept { return method_; }
    // Standard Webhooks: the verified webhook-id, the key that deduplicates; empty for a
    // notification (its idempotency key comes from the notification itself).
    [[nodiscard]] const std::string& webhook_id() const noexcept { return webhook_id_; }

private:
    friend class Authenticator;
    // A stored ZGW notification is handed to the pipeline later, under the source whose token was
    // checked when it was accepted (only an AuthenticatedSource can be stored there).
    friend class NotificationInbox;
    AuthenticatedSource(const SourceConfig& source, AuthMethod method, std::string webhook_id)
        : source_(&source), method_(method), webhook_id_(std::move(webhook_id)) {}

    const SourceConfig* source_;
    AuthMethod method_;
    std::string webhook_id_;
};

struct AuthRefusal {
    enum class Kind {
        unknown_source,   // 404: no such source, or it does not take this kind of request
        unauthenticated,  // 401
    };
    Kind kind;
    std::string detail;  // one sentence; never repeats a header value
};

using Authentication = std::variant<AuthenticatedSource, AuthRefusal>;

class Authenticator {
public:
    explicit Authenticator(const Config& config) : config_(config) {}

    // One HMAC check: the Standard Webhooks signature over `body` under the source's secrets.
    [[nodiscard]] Authentication standard_webhooks(std::string_view source_id, const webhooks::Headers& headers,
                                                   std::string_view body, std::int64_t now_seconds) const;

    // The ZGW notification token: the Authorization header compared in constant time with the
    // value registered for the source's abonnement.
    [[nodiscard]] Authentication notification_token(std::string_view source_id, std::string_view authorization) const;

    [[nodiscard]] const SourceConfig* find_source(std::string_view id) const;

private:
    const Config& config_;
};

}  // namespace eenplan::service
