// The test-only manual clock of the real service: it stands still until POST /v1/test/clock moves
// it, and it is no backdoor: without the setting the route does not exist, and the setting is
// refused unless the service listens on loopback only.
#include <catch2/catch.hpp>

#include <fstream>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "eenplan/core/routeboek/calendar.hpp"
#include "record_fixture.hpp"
#include "support/files.hpp"
#include "support/service_process.hpp"

using namespace eenplan::testing;

namespace {

Poco::JSON::Object::Ptr parse_object(const std::string& body) {
    return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
}

std::string day_of(std::int64_t epoch_s) {
    return eenplan::routeboek::format_day(
        std::chrono::floor<std::chrono::days>(std::chrono::sys_seconds(std::chrono::seconds(epoch_s))));
}

}  // namespace

SCENARIO("a service without the test-only setting has no clock anyone can move", "[clock][security]") {
    TempDir dir;
    TestStore store(dir.path());
    ServiceProcess service(store, dir.path());
    const std::string admin = admin_token("beheerder@eenplan", {"admin"});
    THEN("the clock route is not there, for anyone, and the log says nothing of a manual clock") {
        CHECK(service.log_text().find("service.manual_clock") == std::string::npos);
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
    write_secret_file(dir.path() / "p1.key", std::string(64, 'a') + "\n");
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
    CHECK(service.log_text().find("\"event\":\"service.manual_clock\"") != std::string::npos);
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

SCENARIO("at 23:30 UTC the service's today is already the Dutch tomorrow", "[clock][record]") {
    TempDir dir;
    TestStore store(dir.path());
    ServiceOptions options = RecordFixture::options();
    options.manual_clock = true;
    ServiceProcess service(store, dir.path(), options);
    int sent = 0;
    const auto accept = [&](const TestSource& source, const std::string& body) {
        eenplan::integration::WebhookSender sender(
            {service.signals_url(source.id), std::nullopt, std::chrono::seconds(10)});
        const auto r =
            sender.post("msg_clock_" + std::to_string(++sent), service.clock_now(), body, source.secret_bytes());
        INFO(r.body);
        REQUIRE(r.status == 202);
        return json_object(r.body)->getValue<std::string>("signal_id");
    };

    // The next 23:30 UTC on the service's clock: in Amsterdam (UTC+1, or +2 in summer) the next day.
    const std::int64_t now = service.clock_now();
    std::int64_t evening = now / 86400 * 86400 + 23 * 3600 + 30 * 60;
    if (evening <= now) evening += 86400;
    // Between 23:00 (22:00 in summer) and 23:30 UTC the Dutch date is already that of the evening
    // after: then the move would be today already. Take the next evening instead.
    const auto dutch_today = [](std::int64_t epoch_s) {
        return eenplan::routeboek::format_day(
            eenplan::routeboek::dutch_day(std::chrono::sys_seconds(std::chrono::seconds(epoch_s))));
    };
    if (dutch_today(now) >= day_of(evening + 86400)) evening += 86400;
    const std::string utc_date = day_of(evening);
    const std::string dutch_date = day_of(evening + 86400);

    GIVEN("a family in Den Haag whose child moves to Rijswijk on the Dutch date of that evening") {
        const std::string child = eenplan::simulators::synthetic_bsn(611);
        const std::string signal = accept(school_a(), enrolment(bsn_subject(child)));
        accept(municipality(), household({{"parent", bsn_subject(eenplan::simulators::synthetic_bsn(610))},
                                          {"child", bsn_subject(child)}},
                                         "GM0518", "2026-01-10"));
        accept(municipality(), moved(bsn_subject(child), "GM0603", dutch_date));
        std::string pupil;
        {
            auto sql = store.session();
            *sql << "SELECT pupil_id FROM signal_links WHERE signal_id = :s", soci::use(signal), soci::into(pupil);
        }
        const std::string admin = admin_token("beheerder@eenplan", {"admin"});
        const auto family_id = parse_object(service.request("GET", "/v1/pupils/" + pupil, "", admin).body)
                                   ->getValue<std::string>("family_id");
        const auto family_today = [&](const std::string& token) {
            const auto answer = service.request("GET", "/v1/families/" + family_id, "", token);
            INFO(answer.body);
            REQUIRE(answer.status == 200);
            return parse_object(answer.body)->getValue<std::string>("responsible_gemeentecode");
        };
        REQUIRE(family_today(admin) == "GM0518");

        WHEN("the service's clock reaches 23:30 UTC") {
            const int step = static_cast<int>(evening - now);
            REQUIRE(service.advance_clock(step) == evening);
            THEN("its today is the Dutch date, and the family view of today has the move") {
                const auto clock = parse_object(service.get("/v1/test/clock").body);
                CHECK(clock->getValue<std::string>("today") == dutch_date);
                CHECK(clock->getValue<std::string>("now").substr(0, 10) == utc_date);
                // A token valid at the service's (moved) time.
                CHECK(family_today(admin_token("beheerder@eenplan", {"admin"}, step + 600)) == "GM0603");
            }
        }
    }
}
