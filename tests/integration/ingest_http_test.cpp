// The ingest endpoint over real HTTP against the real eenplan-service binary, on the store named
// by EENPLAN_TEST_STORE (ctest runs this file once for SQLite and once for PostgreSQL).
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Timestamp.h>

#include "eenplan/core/standard_webhooks.hpp"
#include "outbound/webhook_sender.hpp"
#include "support/service_process.hpp"
#include "support/stored_payloads.hpp"
#include "synthetic_people.hpp"

using namespace eenplan::testing;
using eenplan::integration::WebhookResponse;
using eenplan::integration::WebhookSender;

namespace {

std::int64_t now_seconds() { return Poco::Timestamp().epochTime(); }

std::string absence(const std::string& bsn, const std::string& kind = "ongeoorloofd") {
    return R"({"type":"absence.reported","occurred_at":"2026-11-20T08:30:00Z","subject":{"bsn":")" + bsn +
           R"("},"school":{"brin":"12AB","gemeentecode":"GM0518"},"data":{"absence_kind":")" + kind +
           R"(","from":"2026-11-16","to":"2026-11-20","hours":12.5}})";
}

Poco::JSON::Object::Ptr json(const std::string& body) {
    return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
}

void require_problem(const WebhookResponse& r, int status, const std::string& type) {
    INFO(r.body);
    REQUIRE(r.status == status);
    CHECK(r.content_type == "application/problem+json");
    const auto body = json(r.body);
    CHECK(body->getValue<int>("status") == status);
    CHECK(body->getValue<std::string>("type") == "https://eenplan.nl/problems/" + type);
    CHECK_FALSE(body->getValue<std::string>("title").empty());
}

struct Fixture {
    TempDir dir;
    TestStore store{dir.path()};
    ServiceProcess service{store, dir.path()};
    WebhookSender sender_a{{service.signals_url("school-a"), std::nullopt, std::chrono::seconds(10)}};

    WebhookResponse send(const std::string& id, const std::string& body, std::int64_t ts = now_seconds()) const {
        return sender_a.post(id, ts, body, school_a().secret_bytes());
    }
};

}  // namespace

SCENARIO_METHOD(Fixture, "a signed signal is stored once and acknowledged", "[ingest]") {
    const std::string bsn = eenplan::simulators::synthetic_bsn(1);
    WHEN("it is sent") {
        const auto first = send("msg_once", absence(bsn));
        THEN("it is accepted with its ids after the row is committed") {
            INFO(first.body);
            REQUIRE(first.status == 202);
            const auto ids = json(first.body);
            CHECK(ids->getValue<std::string>("signal_id").size() == 36);
            CHECK(first.headers.at("x-correlation-id") == ids->getValue<std::string>("correlation_id"));
            CHECK(store.count("signals") == 1);
            // A sized body keeps the connection open for the sender's next signal.
            CHECK(first.headers.at("content-length") == std::to_string(first.body.size()));
            CHECK((first.headers.count("connection") == 0 || first.headers.at("connection") != "close"));
        }
        AND_WHEN("the same webhook-id is sent again") {
            const auto again = send("msg_once", absence(bsn));
            THEN("the answer is 200 with the same ids and nothing new is stored") {
                REQUIRE(again.status == 200);
                CHECK(again.body == first.body);
                CHECK(store.count("signals") == 1);
            }
        }
        AND_WHEN("another source uses the same webhook-id") {
            WebhookSender sender_b({service.signals_url("school-b"), std::nullopt, std::chrono::seconds(10)});
            const auto other = sender_b.post("msg_once", now_seconds(), absence(bsn), school_b().secret_bytes());
            THEN("it is a different signal") {
                REQUIRE(other.status == 202);
                CHECK(store.count("signals") == 2);
            }
        }
    }
}

SCENARIO_METHOD(Fixture, "what is stored is pseudonymised", "[ingest][identity]") {
    const std::string bsn = eenplan::simulators::synthetic_bsn(2);
    REQUIRE(send("msg_p1", absence(bsn)).status == 202);
    REQUIRE(send("msg_p2", absence(bsn, "ziekte")).status == 202);
    auto sql = store.session();
    std::string pseudonym;
    std::string envelope;
    int distinct = 0;
    *sql << "SELECT COUNT(DISTINCT subject_pseudonym) FROM signals", soci::into(distinct);
    *sql << "SELECT subject_pseudonym, envelope FROM signals WHERE webhook_id = 'msg_p1'", soci::into(pseudonym),
        soci::into(envelope);
    CHECK(distinct == 1);  // both signals link to one pupil
    CHECK(pseudonym.starts_with("kp1:1:"));
    // The envelope is stored under the pupil's payload key (docs/retention.md).
    CHECK(envelope.starts_with("pk1|pupil/"));
    std::string signal_id;
    *sql << "SELECT signal_id FROM signals WHERE webhook_id = 'msg_p1'", soci::into(signal_id);
    const auto stored =
        json(StoredPayloads(service.config_file()).must_open(*sql, "signals", signal_id, "envelope", envelope));
    CHECK_FALSE(stored->has("subject"));  // the pupil is only in the subject_pseudonym column
    CHECK(stored->getValue<std::string>("type") == "absence.reported");
    CHECK(stored->getObject("data")->getValue<std::string>("absence_kind") == "ongeoorloofd");
    CHECK(stored->getObject("school")->getValue<std::string>("brin") == "12AB");
}

SCENARIO_METHOD(Fixture, "signatures and timestamps are checked", "[ingest]") {
    const std::string body = absence(eenplan::simulators::synthetic_bsn(3));
    THEN("a timestamp 301 s old is refused, 299 s old is accepted") {
        require_problem(send("msg_old", body, now_seconds() - 301), 401, "invalid-signature");
        require_problem(send("msg_future", body, now_seconds() + 301), 401, "invalid-signature");
        CHECK(send("msg_recent", body, now_seconds() - 299).status == 202);
    }
    THEN("a tampered body is refused") {
        const std::int64_t ts = now_seconds();
        const auto signature = eenplan::webhooks::sign(school_a().secret_bytes(), "msg_t", ts, body);
        std::string tampered = body;
        tampered.replace(tampered.find("12.5"), 4, "99.5");
        const auto r = sender_a.post_raw({{"content-type", "application/json"},
                                          {"webhook-id", "msg_t"},
                                          {"webhook-timestamp", std::to_string(ts)},
                                          {"webhook-signature", signature}},
                                         tampered);
        require_problem(r, 401, "invalid-signature");
    }
    THEN("another source's secret is refused") {
        require_problem(sender_a.post("msg_w", now_seconds(), body, school_b().secret_bytes()), 401,
                        "invalid-signature");
    }
    THEN("missing signature headers are refused") {
        require_problem(sender_a.post_raw({{"content-type", "application/json"}}, body), 401, "invalid-signature");
    }
    THEN("nothing was stored for any refused request") { CHECK(store.count("signals") == 0); }
}

SCENARIO_METHOD(Fixture, "bad requests get a problem+json answer and store nothing", "[ingest]") {
    const std::string bsn = eenplan::simulators::synthetic_bsn(4);
    THEN("an unknown source is 404") {
        WebhookSender nobody({service.signals_url("no-such-school"), std::nullopt, std::chrono::seconds(10)});
        require_problem(nobody.post("msg_u", now_seconds(), absence(bsn), school_a().secret_bytes()), 404,
                        "unknown-source");
    }
    THEN("a body over 1 MiB is 413") {
        const std::string big = absence(bsn) + std::string(1024 * 1024, ' ');
        require_problem(send("msg_big", big), 413, "body-too-large");
    }
    THEN("a body that is not JSON is 400, and a wrong media type 415") {
        require_problem(send("msg_nj", "{\"type\": "), 400, "malformed-json");
        const std::int64_t ts = now_seconds();
        require_problem(
            sender_a.post_raw(
                {{"content-type", "text/plain"},
                 {"webhook-id", "msg_tp"},
                 {"webhook-timestamp", std::to_string(ts)},
                 {"webhook-signature", eenplan::webhooks::sign(school_a().secret_bytes(), "msg_tp", ts, absence(bsn))}},
                absence(bsn)),
            415, "unsupported-media-type");
    }
    THEN("schema violations are 422 and list every failing JSON pointer") {
        const std::string body = R"({"type":"absence.reported","occurred_at":"yesterday","subject":{"bsn":")" + bsn +
                                 R"("},"school":{"brin":"12AB","gemeentecode":"Den Haag"},)"
                                 R"("data":{"absence_kind":"lui","from":"2026-11-16","naam":"Jan"}})";
        const auto r = send("msg_schema", body);
        require_problem(r, 422, "invalid-signal");
        std::vector<std::string> pointers;
        const auto errors = json(r.body)->getArray("errors");
        for (std::size_t i = 0; i < errors->size(); ++i) {
            pointers.push_back(errors->getObject(static_cast<unsigned>(i))->getValue<std::string>("pointer"));
        }
        using Catch::Matchers::VectorContains;
        CHECK_THAT(pointers, VectorContains(std::string("/occurred_at")));
        CHECK_THAT(pointers, VectorContains(std::string("/school/gemeentecode")));
        CHECK_THAT(pointers, VectorContains(std::string("/data/absence_kind")));
        CHECK_THAT(pointers, VectorContains(std::string("/data")));  // the unexpected "naam"
        CHECK(r.body.find(bsn) == std::string::npos);
    }
    THEN("a BSN failing the 11-proef is 422 at /subject/bsn, without echoing it") {
        const auto r = send("msg_elf", absence("123456789"));
        require_problem(r, 422, "invalid-signal");
        CHECK(r.body.find("/subject/bsn") != std::string::npos);
        CHECK(r.body.find("123456789") == std::string::npos);
    }
    THEN("an absence ending before it starts is 422") {
        std::string body = absence(bsn);
        body.replace(body.find("\"to\":\"2026-11-20\""), 17, "\"to\":\"2026-11-01\"");
        require_problem(send("msg_period", body), 422, "invalid-signal");
    }
    THEN("nothing was stored") { CHECK(store.count("signals") == 0); }
}

SCENARIO_METHOD(Fixture, "concurrent duplicates of one webhook-id store exactly one row", "[ingest]") {
    const std::string body = absence(eenplan::simulators::synthetic_bsn(5));
    const std::int64_t ts = now_seconds();
    constexpr int senders = 16;
    std::vector<WebhookResponse> answers(senders);
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int i = 0; i < senders; ++i) {
        threads.emplace_back([&, i] {
            while (!go.load()) std::this_thread::yield();
            answers[static_cast<std::size_t>(i)] = send("msg_race", body, ts);
        });
    }
    go = true;
    for (auto& t : threads) t.join();

    int accepted = 0;
    for (const auto& a : answers) {
        INFO(a.body);
        REQUIRE((a.status == 202 || a.status == 200));
        CHECK(json(a.body)->getValue<std::string>("signal_id") ==
              json(answers[0].body)->getValue<std::string>("signal_id"));
        accepted += a.status == 202 ? 1 : 0;
    }
    CHECK(accepted == 1);
    CHECK(store.count("signals") == 1);
}

SCENARIO_METHOD(Fixture, "an acknowledged signal survives the process being killed at once", "[ingest]") {
    const auto r = send("msg_kill", absence(eenplan::simulators::synthetic_bsn(6)));
    REQUIRE(r.status == 202);
    service.kill_hard();
    THEN("the row is in the store, and after a restart the same id is recognised") {
        CHECK(store.count("signals") == 1);
        service.start();
        WebhookSender again({service.signals_url("school-a"), std::nullopt, std::chrono::seconds(10)});
        const auto replay = again.post("msg_kill", now_seconds(), absence(eenplan::simulators::synthetic_bsn(6)),
                                       school_a().secret_bytes());
        CHECK(replay.status == 200);
        CHECK(replay.body == r.body);
    }
}

SCENARIO_METHOD(Fixture, "health, readiness and metrics", "[ingest]") {
    REQUIRE(send("msg_m", absence(eenplan::simulators::synthetic_bsn(7))).status == 202);
    send("msg_m2", "not json");
    CHECK(service.request("POST", "/v1/sources/school-a/signals", "{}").status == 401);
    CHECK(service.request("POST", "/v1/sources/no-such-source/signals", "{}").status == 404);
    CHECK(service.get("/healthz").status == 200);
    const auto ready = service.get("/readyz");
    CHECK(ready.status == 200);
    CHECK(ready.body == R"({"status":"ready"})");
    const auto metrics = service.get("/metrics");
    REQUIRE(metrics.status == 200);
    CHECK(metrics.content_type.starts_with("text/plain; version=0.0.4"));
    CHECK_THAT(
        metrics.body,
        Catch::Contains(
            R"(eenplan_http_requests_total{method="POST",route="/v1/sources/{sourceId}/signals",status="202"} 1)"));
    CHECK_THAT(
        metrics.body,
        Catch::Contains(
            R"(eenplan_http_requests_total{method="POST",route="/v1/sources/{sourceId}/signals",status="400"} 1)"));
    CHECK_THAT(metrics.body, Catch::Contains(R"(eenplan_ingest_duration_seconds_count{outcome="accepted"} 1)"));
    CHECK_THAT(metrics.body,
               Catch::Contains(R"(eenplan_ingest_duration_seconds_bucket{outcome="accepted",le="+Inf"} 1)"));
    // By source, for the sources configured: which system's messages are refused, and why.
    const std::string signals = R"(eenplan_source_requests_total{route="/v1/sources/{sourceId}/signals",source=)";
    CHECK_THAT(metrics.body, Catch::Contains(signals + R"("school-a",status="202"} 1)"));
    CHECK_THAT(metrics.body, Catch::Contains(signals + R"("school-a",status="400"} 1)"));
    CHECK_THAT(metrics.body, Catch::Contains(signals + R"("school-a",status="401"} 1)"));
    CHECK_THAT(metrics.body, !Catch::Contains("no-such-source"));
    CHECK(service.get("/nowhere").status == 404);
    CHECK(service.get("/v1/sources/school-a/signals").status == 405);
}

SCENARIO("the database going away gives 503 with Retry-After, and ingest recovers", "[ingest][postgresql]") {
    TempDir dir;
    TestStore store(dir.path());
    if (!store.is_postgresql()) return;  // only a server database can go away under a running service
    ServiceProcess service(store, dir.path());
    WebhookSender sender({service.signals_url("school-a"), std::nullopt, std::chrono::seconds(10)});
    const std::string body = absence(eenplan::simulators::synthetic_bsn(8));

    store.set_reachable(false);
    const auto down = sender.post("msg_down", now_seconds(), body, school_a().secret_bytes());
    require_problem(down, 503, "store-unavailable");
    CHECK(down.headers.at("retry-after") == "5");
    CHECK(service.get("/readyz").status == 503);

    store.set_reachable(true);
    const auto back = sender.post("msg_down", now_seconds(), body, school_a().secret_bytes());
    INFO(back.body);
    CHECK(back.status == 202);
    CHECK(service.get("/readyz").status == 200);
    CHECK(store.count("signals") == 1);
}
