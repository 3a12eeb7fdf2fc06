// Authentication as its own step: a source's signature or a notification token yields an
// AuthenticatedSource, anything else a refusal the pipeline never sees.
#include <catch2/catch.hpp>

#include "ingest/authenticator.hpp"

using namespace eenplan;
using namespace eenplan::service;

namespace {

const Bytes key{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

Config config() {
    Config c;
    SourceConfig school;
    school.id = "school-a";
    school.secrets = {key};
    c.sources.push_back(school);
    SourceConfig zaken;
    zaken.id = "gemeente";
    zaken.notifications = NotificationsConfig{"Token abc", "https://zaken.x.nl/zaken/api/v1", "eenplan", "s", {}};
    c.sources.push_back(zaken);
    return c;
}

}  // namespace

SCENARIO("a Standard Webhooks signature authenticates its source once", "[ingest]") {
    const Config c = config();
    const Authenticator authenticator(c);
    const std::string body = R"({"type":"absence.reported"})";
    const std::int64_t now = 1'790'000'000;
    const std::string signature = webhooks::sign(key, "msg_1", now, body);
    const std::string ts = std::to_string(now);

    const auto accepted = authenticator.standard_webhooks("school-a", {"msg_1", ts, signature}, body, now);
    REQUIRE(std::holds_alternative<AuthenticatedSource>(accepted));
    CHECK(std::get<AuthenticatedSource>(accepted).id() == "school-a");
    CHECK(std::get<AuthenticatedSource>(accepted).webhook_id() == "msg_1");
    CHECK(std::get<AuthenticatedSource>(accepted).method() == AuthMethod::standard_webhooks);

    const auto tampered = authenticator.standard_webhooks("school-a", {"msg_1", ts, signature}, body + " ", now);
    REQUIRE(std::holds_alternative<AuthRefusal>(tampered));
    CHECK(std::get<AuthRefusal>(tampered).kind == AuthRefusal::Kind::unauthenticated);

    const auto stale = authenticator.standard_webhooks("school-a", {"msg_1", ts, signature}, body, now + 3600);
    CHECK(std::holds_alternative<AuthRefusal>(stale));

    const auto unknown = authenticator.standard_webhooks("school-x", {"msg_1", ts, signature}, body, now);
    REQUIRE(std::holds_alternative<AuthRefusal>(unknown));
    CHECK(std::get<AuthRefusal>(unknown).kind == AuthRefusal::Kind::unknown_source);
}

SCENARIO("a ZGW notification token authenticates only its own abonnement", "[ingest]") {
    const Config c = config();
    const Authenticator authenticator(c);
    const auto accepted = authenticator.notification_token("gemeente", "Token abc");
    REQUIRE(std::holds_alternative<AuthenticatedSource>(accepted));
    CHECK(std::get<AuthenticatedSource>(accepted).method() == AuthMethod::notification_token);
    CHECK(std::get<AuthRefusal>(authenticator.notification_token("gemeente", "Token abd")).kind ==
          AuthRefusal::Kind::unauthenticated);
    CHECK(std::get<AuthRefusal>(authenticator.notification_token("gemeente", "")).kind ==
          AuthRefusal::Kind::unauthenticated);
    // A source without an abonnement takes no notifications, whatever the token.
    CHECK(std::get<AuthRefusal>(authenticator.notification_token("school-a", "Token abc")).kind ==
          AuthRefusal::Kind::unknown_source);
}
