// The test-only manual clock of the real service: it stands still until POST /v1/test/clock moves
// it, and it is no backdoor: without the setting the route does not exist, and the setting is
// refused unless the service listens on loopback only.
#include <catch2/catch.hpp>

#include <fstream>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "support/files.hpp"
#include "support/service_process.hpp"

using namespace eenplan::testing;

namespace {

Poco::JSON::Object::Ptr parse_object(const std::string& body) {
    return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
}

}  // namespace

SCENARIO("a service without the test-only setting has no clock anyone can move", "[clock][security]") {
    TempDir dir;
    TestStore store(dir.path());
    ServiceProcess service(store, dir.path());
    const std::string admin = admin_token("beheerder@eenplan", {"admin"});
    THEN("the clock route is not there, for anyone") {
        CHECK(service.request("GET", "/v1/test/clock").status == 404);
        CHECK(service.request("POST", "/v1/test/clock", R"({"advance_seconds": 86400})").status == 404);
        CHECK(service.request("POST", "/v1/test/clock", R"({"advance_seconds": 86400})", admin).status == 404);
        CHECK_THROWS(service.advance_clock(60));
    }
    THEN("its time is the system's: a day's advance asked for did not happen") {
        CHECK(service.request("POST", "/v1/test/clock", R"({"advance_seconds": 86400})", admin).status == 404);
        // An admin token valid now is still valid: the service did not jump a day ahead.
        CHECK(service.request("GET", "/v1/deliveries", "", admin).status == 200);
    }
}

SCENARIO("the manual clock is refused unless the service listens on loopback only", "[clock][security][config]") {
    TempDir dir;
    std::ofstream(dir.path() / "p1.key") << std::string(64, 'a') << "\n";
    const auto config = dir.path() / "eenplan.yaml";
    std::ofstream(config) << "listen: {address: 0.0.0.0, port: 0, tls: {certificate: cert.pem, private_key: key.pem}}\n"
                             "database: {backend: sqlite, connection: \"db=x.db\"}\n"
                             "keys: {pseudonym_keys: [{version: 1, file: p1.key}]}\n"
                             "sources: [{id: school-a, secrets: [whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw]}]\n"
                             "testing: {manual_clock: true}\n";
    const auto [code, output] = run_service_once(config, "--check-config");
    CHECK(code == 78);
    CHECK_THAT(output, Catch::Contains("/testing/manual_clock"));
    CHECK_THAT(output, Catch::Contains("loopback"));
}

SCENARIO("the manual clock stands still until the test moves it", "[clock]") {
    TempDir dir;
    TestStore store(dir.path());
    ServiceOptions options;
    options.manual_clock = true;
    ServiceProcess service(store, dir.path(), options);
    const std::int64_t start = service.clock_now();
    CHECK(service.log_text().find("\"event\":\"service.listening\"") != std::string::npos);
    WHEN("nobody moves it") {
        THEN("it reads the same instant twice") {
            const auto first = parse_object(service.get("/v1/test/clock").body)->getValue<std::int64_t>("now_us");
            const auto second = parse_object(service.get("/v1/test/clock").body)->getValue<std::int64_t>("now_us");
            CHECK(first == second);
        }
    }
    WHEN("it is moved an hour") {
        THEN("the service's time is an hour later") { CHECK(service.advance_clock(3600) == start + 3600); }
    }
    WHEN("a request would move it back, not at all, or by something that is not a number") {
        THEN("it is refused as problem+json and the clock stays") {
            for (const char* body : {R"({"advance_seconds": -60})", R"({"advance_seconds": 0})",
                                     R"({"advance_seconds": "3600"})", R"({"advance_seconds": 1.5})", "{}"}) {
                const auto answer = service.request("POST", "/v1/test/clock", body);
                CHECK(answer.status == 422);
                CHECK(answer.content_type == "application/problem+json");
            }
            CHECK(service.request("POST", "/v1/test/clock", "not json").status == 400);
            CHECK(service.clock_now() == start);
        }
    }
}
