// Per-source authorisation through the real eenplan-service: a source configured with
// sources[].allow sends only those signal types, for those schools; anything else is refused with
// 403 problem+json, nothing is stored, and the log names the refusal without the payload.
#include <catch2/catch.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Timestamp.h>

#include "outbound/webhook_sender.hpp"
#include "support/service_process.hpp"
#include "synthetic_people.hpp"

using namespace eenplan::testing;
using eenplan::integration::WebhookResponse;
using eenplan::integration::WebhookSender;

namespace {

std::string signal(const std::string& type, const std::string& bsn, const std::string& brin, const std::string& data) {
    return R"({"type":")" + type + R"(","occurred_at":"2026-11-20T08:30:00Z","subject":{"bsn":")" + bsn +
           R"("},"school":{"brin":")" + brin + R"(","gemeentecode":"GM0518"},"data":)" + data + "}";
}

const std::string absence_data = R"({"absence_kind":"ongeoorloofd","from":"2026-11-16","to":"2026-11-20"})";
const std::string ended_data = R"({"end_date":"2026-11-20","reason":"verhuizing"})";

struct Fixture {
    TempDir dir;
    TestStore store{dir.path()};
    ServiceProcess service{store, dir.path(), options()};

    static ServiceOptions options() {
        ServiceOptions o;
        o.source_extra = "    allow: {signal_types: [absence.reported], brins: [12AB]}\n";
        return o;
    }

    WebhookResponse send(const std::string& source, const std::string& id, const std::string& body) const {
        WebhookSender sender({service.signals_url(source), std::nullopt, std::chrono::seconds(10)});
        return sender.post(id, Poco::Timestamp().epochTime(), body, school_a().secret_bytes());
    }
};

std::string first_error_pointer(const WebhookResponse& r) {
    const auto body = Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Object::Ptr>();
    return body->getArray("errors")->getObject(0)->getValue<std::string>("pointer");
}

}  // namespace

SCENARIO_METHOD(Fixture, "a source sends only what its grant allows", "[ingest][security]") {
    const std::string bsn = eenplan::simulators::synthetic_bsn(41);

    WHEN("it sends an absence for its own school") {
        const auto r = send("school-a", "grant_ok", signal("absence.reported", bsn, "12AB", absence_data));
        THEN("it is stored") {
            INFO(r.body);
            CHECK(r.status == 202);
            CHECK(store.count("signals") == 1);
        }
    }
    WHEN("it sends an absence for another school") {
        const auto r = send("school-a", "grant_brin", signal("absence.reported", bsn, "99ZZ", absence_data));
        THEN("it is refused at /school/brin and nothing is stored") {
            INFO(r.body);
            REQUIRE(r.status == 403);
            CHECK(r.content_type == "application/problem+json");
            CHECK(first_error_pointer(r) == "/school/brin");
            CHECK(store.count("signals") == 0);
            CHECK(store.count("pupils") == 0);
        }
    }
    WHEN("it sends a signal type it is not granted") {
        const auto r = send("school-a", "grant_type", signal("enrolment.ended", bsn, "12AB", ended_data));
        THEN("it is refused at /type, logged as forbidden without the payload") {
            INFO(r.body);
            REQUIRE(r.status == 403);
            CHECK(first_error_pointer(r) == "/type");
            CHECK(store.count("signals") == 0);
            const std::string log = service.log_text();
            CHECK(log.find("\"outcome\":\"forbidden\"") != std::string::npos);
            CHECK(log.find(bsn) == std::string::npos);
            CHECK(log.find("verhuizing") == std::string::npos);
        }
    }
    WHEN("a request names a source that does not exist") {
        const std::string made_up = "no-such-source-7f3a9c";
        const auto r = send(made_up, "grant_unknown", signal("absence.reported", bsn, "12AB", absence_data));
        THEN("it is answered 404 and the made-up id is not written to the log") {
            CHECK(r.status == 404);
            CHECK(service.log_text().find(made_up) == std::string::npos);
        }
    }
    THEN("no source is reported as unrestricted at start-up") {
        CHECK(service.log_text().find("source.unrestricted") == std::string::npos);
    }
}
