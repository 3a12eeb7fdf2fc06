// Configuration: parsed once, validated against its schema, refused with pointers and sentences.
#include <catch2/catch.hpp>

#include "config/config.hpp"

using namespace eenplan;
using namespace eenplan::service;

namespace {
const std::string valid = R"(
listen: {address: 127.0.0.1, port: 8080}
database: {backend: sqlite, connection: "db=data/eenplan.db"}
keys: {pseudonym_keys: [{version: 1, file: keys/v1.key}, {version: 2, file: /abs/v2.key}]}
sources:
  - id: school-a
    secrets: [whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw, "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"]
)";

std::vector<std::string> pointers(const Problems& problems) {
    std::vector<std::string> out;
    for (const auto& p : problems) out.push_back(p.pointer);
    return out;
}
}  // namespace

SCENARIO("a valid configuration becomes a typed value", "[config]") {
    const auto config = parse_config(valid, "/etc/eenplan");
    REQUIRE(config.ok());
    CHECK(config->listen.port == 8080);
    CHECK_FALSE(config->listen.tls.has_value());
    CHECK(config->database.backend == Backend::sqlite);
    CHECK(config->database.connection == "db=/etc/eenplan/data/eenplan.db");
    CHECK(config->pseudonym_keys.at(0).path == "/etc/eenplan/keys/v1.key");
    CHECK(config->pseudonym_keys.at(1).path == "/abs/v2.key");
    CHECK(config->sources.at(0).secrets.size() == 2);
    CHECK(config->ingest.max_body_bytes == 1024 * 1024);
    CHECK(config->ingest.timestamp_tolerance_seconds == 300);
    CHECK(config->ingest.batch_writers == 0);  // the store's default
}

SCENARIO("ingest's group commit takes a number of batch writers", "[config][ingest]") {
    CHECK(parse_config(valid + "ingest: {batch_writers: 3}\n", "/etc")->ingest.batch_writers == 3);
    const auto too_many = parse_config(valid + "ingest: {batch_writers: 65}\n", "/etc");
    REQUIRE_FALSE(too_many.ok());
    CHECK(too_many.problems().at(0).pointer == "/ingest/batch_writers");
}

SCENARIO("a bad configuration is refused with every problem located", "[config]") {
    const auto config = parse_config(R"(
listen: {address: 0.0.0.0, port: 70000}
database: {backend: oracle, connection: x}
keys: {pseudonym_keys: []}
sources: [{id: School A, secrets: [nope]}]
surprise: true
)",
                                     "/etc");
    REQUIRE_FALSE(config.ok());
    using Catch::Matchers::VectorContains;
    const auto at = pointers(config.problems());
    CHECK_THAT(at, VectorContains(std::string("/listen/port")));
    CHECK_THAT(at, VectorContains(std::string("/database/backend")));
    CHECK_THAT(at, VectorContains(std::string("/keys/pseudonym_keys")));
    CHECK_THAT(at, VectorContains(std::string("/sources/0/id")));
    CHECK_THAT(at, VectorContains(std::string("/sources/0/secrets/0")));
    CHECK_THAT(at, VectorContains(std::string("")));  // the unknown top-level key
}

SCENARIO("plain HTTP is only allowed on loopback", "[config]") {
    std::string exposed = valid;
    exposed.replace(exposed.find("127.0.0.1"), 9, "0.0.0.0");
    const auto config = parse_config(exposed, "/etc");
    REQUIRE_FALSE(config.ok());
    CHECK(config.problems().at(0).pointer == "/listen/tls");
}

SCENARIO("recipients and Zaken APIs over plain HTTP only on loopback, unless allowed", "[config][security]") {
    const std::string recipients = R"(
recipients:
  - {id: local, name: Simulator, connector: webhook, url: "http://127.0.0.1:9000/tasks", secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw}
  - {id: far, name: Elsewhere, connector: webhook, url: "http://taken.gemeente.example/tasks", secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw}
  - {id: safe, name: Elsewhere, connector: webhook, url: "https://taken.gemeente.example/tasks", secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw}
)";
    const auto refused = parse_config(valid + recipients, "/etc");
    REQUIRE_FALSE(refused.ok());
    CHECK(pointers(refused.problems()) == std::vector<std::string>{"/recipients/1/url"});
    CHECK(parse_config(valid + recipients + "allow_plain_http: true\n", "/etc").ok());
}

SCENARIO("secrets and duplicates are checked beyond the schema", "[config]") {
    std::string doubled = valid + "  - id: school-a\n    secrets: [whsec_c2hvcnQ=]\n";
    const auto config = parse_config(doubled, "/etc");
    REQUIRE_FALSE(config.ok());
    const auto at = pointers(config.problems());
    using Catch::Matchers::VectorContains;
    CHECK_THAT(at, VectorContains(std::string("/sources/1/id")));
    CHECK_THAT(at, VectorContains(std::string("/sources/1/secrets/0")));
    for (const auto& p : config.problems()) CHECK(p.detail.find("c2hvcnQ") == std::string::npos);
}

SCENARIO("YAML that does not parse names its line", "[config]") {
    const auto config = parse_config("listen: {address: [\n", "/etc");
    REQUIRE_FALSE(config.ok());
    CHECK_THAT(config.problems().at(0).detail, Catch::Contains("line"));
}

SCENARIO("linkage and admin settings are read and checked", "[config][record]") {
    const auto config = parse_config(valid + R"(
linkage: {match_threshold: 0.9, possible_threshold: 0.7}
admin: {jwt_secret_file: keys/admin.secret}
)",
                                     "/etc/eenplan");
    REQUIRE(config.ok());
    CHECK(config->linkage.match_threshold == Approx(0.9));
    CHECK(config->linkage.possible_threshold == Approx(0.7));
    CHECK_FALSE(config->linkage.key.has_value());
    CHECK(config->admin.jwt_secret_file == "/etc/eenplan/keys/admin.secret");

    const auto inverted =
        parse_config(valid + "linkage: {match_threshold: 0.6, possible_threshold: 0.7}\n", "/etc/eenplan");
    REQUIRE_FALSE(inverted.ok());
    CHECK(pointers(inverted.problems()) == std::vector<std::string>{"/linkage/possible_threshold"});
}

SCENARIO("the field-level linkage weights can be set", "[config][record]") {
    const auto config = parse_config(valid + R"(
linkage:
  fellegi_sunter:
    link: 11.5
    review: 2.5
    margin: 3
    fields:
      postcode: {m: [0.9, 0.02, 0, 0.08], u: [0.2, 0.05, 0, 0.75]}
      birth_date: {m: [0.9, 0.02, 0.03, 0.01, 0.04], u: [0.01, 0.01, 0.02, 0.06, 0.9]}
)",
                                     "/etc/eenplan");
    REQUIRE(config.ok());
    const auto& fs = config->linkage.fellegi_sunter;
    CHECK(fs.link == Approx(11.5));
    CHECK(fs.review == Approx(2.5));
    CHECK(fs.margin == Approx(3));
    CHECK(fs.fields[4].m[0] == Approx(0.9));
    CHECK(fs.fields[4].u[4] == Approx(0.75));               // four values: the last is disagree
    CHECK(fs.fields[4].m[3] == Approx(fs.fields[4].m[2]));  // and weak is partial
    CHECK(fs.fields[3].m[3] == Approx(0.01));               // five values: weak given
    CHECK(fs.fields[3].u[4] == Approx(0.9));
    CHECK(fs.fields[0].m[0] == Approx(eenplan::linkage::FellegiSunterParameters{}.fields[0].m[0]));  // default kept

    const auto inverted = parse_config(valid + "linkage: {fellegi_sunter: {link: 2, review: 5}}\n", "/etc/eenplan");
    REQUIRE_FALSE(inverted.ok());
    CHECK(pointers(inverted.problems()) == std::vector<std::string>{"/linkage/fellegi_sunter/review"});
    const auto short_m = parse_config(
        valid + "linkage: {fellegi_sunter: {fields: {birth_date: {m: [1], u: [1, 1, 1, 1]}}}}\n", "/etc/eenplan");
    REQUIRE_FALSE(short_m.ok());
    CHECK_THAT(pointers(short_m.problems()).front(), Catch::StartsWith("/linkage/fellegi_sunter/fields"));
}

SCENARIO("the test-only manual clock is off by default and refused off loopback", "[config][clock]") {
    CHECK_FALSE(parse_config(valid, "/etc/eenplan")->testing.manual_clock);
    const auto on = parse_config(valid + "testing: {manual_clock: true}\n", "/etc/eenplan");
    REQUIRE(on.ok());
    CHECK(on->testing.manual_clock);

    std::string exposed = valid;
    exposed.replace(exposed.find("address: 127.0.0.1"), 18,
                    "address: 0.0.0.0, tls: {certificate: c.pem, private_key: k.pem}");
    REQUIRE(parse_config(exposed, "/etc/eenplan").ok());
    const auto refused = parse_config(exposed + "testing: {manual_clock: true}\n", "/etc/eenplan");
    REQUIRE_FALSE(refused.ok());
    CHECK(pointers(refused.problems()) == std::vector<std::string>{"/testing/manual_clock"});
    CHECK_FALSE(parse_config(valid + "testing: {clock: manual}\n", "/etc/eenplan").ok());  // no other test settings
}

SCENARIO("rate limits and connection limits have defaults and can be set", "[config][security]") {
    GIVEN("no settings for them") {
        const auto config = parse_config(valid, "/etc/eenplan");
        REQUIRE(config.ok());
        THEN("every source has the default token bucket, and the connection limits their defaults") {
            REQUIRE(config->sources.at(0).rate_limit.has_value());
            CHECK(config->sources.at(0).rate_limit->per_second == Approx(50.0));
            CHECK(config->sources.at(0).rate_limit->burst == Approx(500.0));
            CHECK(config->listen.connections.header_timeout_ms == 10000);
            CHECK(config->listen.connections.request_read_timeout_ms == 30000);
            CHECK(config->listen.connections.keep_alive_max_requests == 100);
        }
    }
    GIVEN("a hub-wide limit, one source's own and one source without") {
        const auto config = parse_config(R"(
listen:
  address: 127.0.0.1
  port: 8080
  connections: {header_timeout_ms: 2000, request_read_timeout_ms: 5000, max_pending: 100, max_queued: 8}
database: {backend: sqlite, connection: "db=x.db"}
keys: {pseudonym_keys: [{version: 1, file: v1.key}]}
ingest: {rate_limit: {per_second: 5, burst: 20}}
sources:
  - {id: school-a, secrets: [whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw]}
  - {id: school-b, secrets: [whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw], rate_limit: {per_second: 0.5}}
  - {id: bulk, secrets: [whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw], rate_limit: {enabled: false}}
)",
                                         "/etc");
        REQUIRE(config.ok());
        THEN("each source has what applies to it") {
            CHECK(config->sources.at(0).rate_limit->per_second == Approx(5.0));
            CHECK(config->sources.at(0).rate_limit->burst == Approx(20.0));
            CHECK(config->sources.at(1).rate_limit->per_second == Approx(0.5));
            CHECK(config->sources.at(1).rate_limit->burst == Approx(20.0));
            CHECK_FALSE(config->sources.at(2).rate_limit.has_value());
            CHECK(config->listen.connections.header_timeout_ms == 2000);
            CHECK(config->listen.connections.max_queued == 8);
        }
    }
    GIVEN("a rate of zero") {
        const auto config = parse_config(R"(
listen: {address: 127.0.0.1, port: 8080}
database: {backend: sqlite, connection: "db=x.db"}
keys: {pseudonym_keys: [{version: 1, file: v1.key}]}
ingest: {rate_limit: {per_second: 0}}
sources: [{id: school-a, secrets: [whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw]}]
)",
                                         "/etc");
        THEN("it is refused at its place") {
            REQUIRE_FALSE(config.ok());
            CHECK(pointers(config.problems()).at(0) == "/ingest/rate_limit/per_second");
        }
    }
}
