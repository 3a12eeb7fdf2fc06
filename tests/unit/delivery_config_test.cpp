// The delivery side of the configuration: delivery:, recipients: and the inbound source settings.
#include <catch2/catch.hpp>

#include "config/config.hpp"

using namespace eenplan;
using namespace eenplan::service;

namespace {

const std::string base = R"(
listen: {address: 127.0.0.1, port: 8080}
database: {backend: sqlite, connection: "db=eenplan.db"}
keys: {pseudonym_keys: [{version: 1, file: v1.key}]}
sources:
  - id: zaken-rijswijk
    secrets: [whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw]
    school: {brin: 12AB, gemeentecode: GM0603}
    notifications:
      authorization: "Token 0123456789abcdef"
      zaken_api: https://zaken.rijswijk.nl/zaken/api/v1
      client_id: eenplan
      secret: a-secret-of-sixteen-or-more
      zaaktypes: [{zaaktype: "https://zaken.rijswijk.nl/catalogi/api/v1/zaaktypen/1", provider: jeugdteam}]
)";

std::vector<std::string> pointers(const Problems& problems) {
    std::vector<std::string> out;
    for (const auto& p : problems) out.push_back(p.pointer);
    return out;
}

}  // namespace

SCENARIO("recipients and the dispatcher are configured", "[config][delivery]") {
    const auto config = parse_config(base + R"(
delivery: {dispatcher_threads: 8, batch_size: 100, circuit_breaker: {failure_threshold: 4, open_seconds: 60}}
recipients:
  - id: gm0518
    connector: webhook
    url: https://tasks.denhaag.nl/eenplan
    secret: whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD
    ca_file: ca.pem
    retry: {schedule_seconds: [1, 10], max_age_seconds: 3600}
  - id: gm0603
    connector: zgw
    url: https://zaken.rijswijk.nl/zaken/api/v1
    zgw: {client_id: eenplan, secret: a-secret-of-sixteen-or-more, zaaktype: "https://z/zt/1", statustype: "https://z/st/1",
          bronorganisatie: "002220647", verantwoordelijke_organisatie: "001234565"}
)",
                                     "/etc/eenplan");
    REQUIRE(config.ok());
    CHECK(config->delivery.dispatcher_threads == 8);
    CHECK(config->delivery.batch_size == 100);
    CHECK(config->delivery.breaker_failure_threshold == 4);
    CHECK(config->delivery.breaker_open_seconds == 60);
    REQUIRE(config->recipients.size() == 2);
    const RecipientConfig& webhook = config->recipients[0];
    CHECK(webhook.connector == ConnectorKind::webhook);
    CHECK(webhook.secret.size() == 24);
    CHECK(webhook.ca_file == "/etc/eenplan/ca.pem");
    CHECK(webhook.retry_schedule_seconds == std::vector<int>{1, 10});
    CHECK(webhook.max_age_seconds == 3600);
    CHECK(webhook.timeout_ms == 5000);
    const RecipientConfig& zgw = config->recipients[1];
    CHECK(zgw.connector == ConnectorKind::zgw);
    REQUIRE(zgw.zgw.has_value());
    CHECK(zgw.zgw->verantwoordelijke_organisatie == "001234565");
    CHECK(zgw.retry_schedule_seconds.size() == 7);  // the Standard Webhooks default

    const SourceConfig& source = config->sources[0];
    CHECK(source.school_gemeentecode == "GM0603");
    REQUIRE(source.notifications.has_value());
    CHECK(source.notifications->zaaktypes.at("https://zaken.rijswijk.nl/catalogi/api/v1/zaaktypen/1") == "jeugdteam");
}

SCENARIO("a recipient without what its connector needs is refused", "[config][delivery]") {
    const auto config = parse_config(base + R"(
recipients:
  - {id: gm0518, connector: webhook, url: "https://a"}
  - {id: gm0518, connector: nodered, url: "https://b", secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw}
  - {id: gm0603, connector: zgw, url: "https://c"}
  - {id: gm1916, connector: email, url: "https://d"}
)",
                                     "/etc/eenplan");
    REQUIRE_FALSE(config.ok());
    CHECK(pointers(config.problems()) == std::vector<std::string>{"/recipients/3/connector"});
    const auto semantic = parse_config(base + R"(
recipients:
  - {id: gm0518, connector: webhook, url: "https://a"}
  - {id: gm0518, connector: nodered, url: "https://b", secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw}
  - {id: gm0603, connector: zgw, url: "https://c"}
)",
                                       "/etc/eenplan");
    REQUIRE_FALSE(semantic.ok());
    CHECK(pointers(semantic.problems()) ==
          std::vector<std::string>{"/recipients/0/secret", "/recipients/1/id", "/recipients/2/zgw"});
}
