#include "ingest/authenticator.hpp"

#include <openssl/crypto.h>

namespace eenplan::service {

const SourceConfig* Authenticator::find_source(std::string_view id) const { return service::find_source(config_, id); }

Authentication Authenticator::standard_webhooks(std::string_view source_id, const webhooks::Headers& headers,
                                                std::string_view body, std::int64_t now_seconds) const {
    const SourceConfig* source = find_source(source_id);
    if (!source) return AuthRefusal{AuthRefusal::Kind::unknown_source, "no source with this id is configured"};
    const auto verification =
        webhooks::verify(source->secrets, headers, body, now_seconds, config_.ingest.timestamp_tolerance_seconds);
    if (!verification.accepted) {
        return AuthRefusal{AuthRefusal::Kind::unauthenticated, std::string(webhooks::describe(verification.rejection))};
    }
    return AuthenticatedSource(*source, AuthMethod::standard_webhooks, std::string(headers.id));
}

Authentication Authenticator::notification_token(std::string_view source_id, std::string_view authorization) const {
    const SourceConfig* source = find_source(source_id);
    if (!source || !source->notifications) {
        return AuthRefusal{AuthRefusal::Kind::unknown_source, "no source with this id takes ZGW notifications"};
    }
    const std::string& expected = source->notifications->authorization;
    if (authorization.size() != expected.size() ||
        CRYPTO_memcmp(authorization.data(), expected.data(), expected.size()) != 0) {
        return AuthRefusal{AuthRefusal::Kind::unauthenticated,
                           "the Authorization header is not the one registered for this abonnement"};
    }
    return AuthenticatedSource(*source, AuthMethod::notification_token, {});
}

}  // namespace eenplan::service
