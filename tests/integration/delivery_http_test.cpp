// Task delivery through the real eenplan-service: the outbox, the dispatcher, the webhook,
// Node-RED and ZGW connectors, retries, dead letter, manual retry and cancel, and the admin API.
// Runs on the store named by EENPLAN_TEST_STORE, against the simulators over loopback.
#include <catch2/catch.hpp>

#include <set>

#include <Poco/URI.h>

#include "delivery_fixture.hpp"

using namespace eenplan::testing;

SCENARIO_METHOD(DeliveryHub, "a task created by hand reaches its recipient once, with only the minimal data",
                "[delivery][privacy]") {
    const std::string pupil_pseudonym = pupil(1);
    REQUIRE(pupil_pseudonym.starts_with("kp1:1:"));
    const auto created = create_task("gm0518", pupil_pseudonym);
    INFO(created.body);
    REQUIRE(created.status == 201);
    const std::string id = delivery_id(created);

    REQUIRE(eventually([&] { return accepted() == 1; }, 30));
    REQUIRE(eventually([&] { return state_of(id) == "delivered"; }, 10));

    const auto tasks =
        Poco::JSON::Parser().parse(http_call(receiver.port(), "GET", "/tasks").body).extract<Poco::JSON::Array::Ptr>();
    REQUIRE(tasks->size() == 1);
    const auto task = tasks->getObject(0);
    std::vector<std::string> keys;
    for (const auto& [key, value] : *task) keys.push_back(key);
    std::sort(keys.begin(), keys.end());
    THEN("it holds type, the recipient's own pseudonym, due date, reference and ids, nothing else") {
        CHECK(keys ==
              std::vector<std::string>{"correlation_id", "due_date", "reference", "subject", "task_id", "type"});
        CHECK(task->getValue<std::string>("type") == "adviestafel.aanmelden");
        CHECK(task->getValue<std::string>("due_date") == "2026-12-14");
        CHECK(task->getValue<std::string>("reference") == "plan/42/adviestafel");
        CHECK(task->getValue<std::string>("subject").starts_with("kp1:1:"));
        CHECK(task->getValue<std::string>("subject") != pupil_pseudonym);
        CHECK(task->getValue<std::string>("task_id") == parse_object(created.body)->getValue<std::string>("task_id"));
    }
    THEN("the delivery and its attempt are on record") {
        const auto d = delivery(id);
        CHECK(d->getValue<int>("attempts") == 1);
        CHECK(d->getValue<int>("last_status") == 202);
        const auto log = d->getArray("attempt_log");
        REQUIRE(log->size() == 1);
        CHECK(log->getObject(0)->getValue<int>("status") == 202);
        CHECK(log->getObject(0)->getValue<std::string>("outcome") == "delivered");
        CHECK(service.log_text().find(R"("event":"delivery.delivered")") != std::string::npos);
    }
    THEN("the same pupil for another recipient gets another pseudonym") {
        REQUIRE(create_task("gm1916", pupil_pseudonym, "plan/42/nodered").status == 201);
        REQUIRE(eventually([&] { return accepted() == 2; }, 30));
        const auto both = Poco::JSON::Parser()
                              .parse(http_call(receiver.port(), "GET", "/tasks").body)
                              .extract<Poco::JSON::Array::Ptr>();
        CHECK(both->getObject(0)->getValue<std::string>("subject") !=
              both->getObject(1)->getValue<std::string>("subject"));
    }
}

SCENARIO_METHOD(DeliveryHub, "the task API refuses what it must", "[delivery]") {
    const std::string p = pupil(2);
    const std::string body = R"({"type":"x","recipient":"gm0518","pupil":")" + p +
                             R"(","due_date":"2026-12-14","reason":"r","reference":"r"})";
    CHECK(service.request("POST", "/v1/tasks", body).status == 401);
    CHECK(service.request("POST", "/v1/tasks", body, admin_token("fg@eenplan", {"privacy_officer"})).status == 403);
    CHECK(service.request("GET", "/v1/deliveries", "", admin_token("fg@eenplan", {"privacy_officer"})).status == 200);
    const auto unknown = create_task("gm9999", p);
    CHECK(unknown.status == 422);
    CHECK(unknown.body.find("/recipient") != std::string::npos);
    const auto with_number =
        service.request("POST", "/v1/tasks",
                        R"({"type":"adviestafel.aanmelden","recipient":"gm0518","pupil":")" + p +
                            R"(","due_date":"2026-12-14","reason":"r","reference":"bsn-123456782"})",
                        admin);
    CHECK(with_number.status == 422);
    CHECK(with_number.body.find("123456782") == std::string::npos);
    CHECK(store.count("tasks") == 0);
    CHECK(service.request("GET", "/v1/deliveries?state=lost", "", admin).status == 400);
    CHECK(service.request("GET", "/v1/deliveries/no-such-id", "", admin).status == 404);
}

SCENARIO_METHOD(DeliveryHub, "a receiver down for a while gets every task exactly once after it returns",
                "[delivery]") {
    tell_receiver(R"({"always": true, "status": 503, "retry_after": 1})");
    const std::string p = pupil(3);
    std::set<std::string> ids;
    for (int i = 0; i < 20; ++i) {
        const auto created = create_task("gm0518", p, "plan/3/task-" + std::to_string(i));
        REQUIRE(created.status == 201);
        ids.insert(delivery_id(created));
    }
    // Down until it has refused a few (and the breaker holds the rest back); then it returns, and
    // the retry delays pass on the service's clock.
    REQUIRE(eventually([&] { return receiver_stats()->getValue<long long>("refused") >= 3; }, 30));
    tell_receiver("{}");
    REQUIRE(service.advance_until([&] { return accepted() == 20; }, 1, 60));
    REQUIRE(eventually(
        [&] {
            const auto list = parse_object(service.request("GET", "/v1/deliveries?state=delivered", "", admin).body);
            return list->getArray("deliveries")->size() == 20;
        },
        10));
    const auto stats = receiver_stats();
    CHECK(stats->getValue<long long>("refused") > 0);  // it really was down
    CHECK(stats->getValue<long long>("distinct") == 20);
    CHECK(stats->getValue<long long>("duplicates") == 0);
    long long retried = 0;
    for (const std::string& id : ids) {
        const auto d = delivery(id);
        CHECK(d->getValue<std::string>("state") == "delivered");
        retried += d->getValue<int>("attempts") > 1 ? 1 : 0;
        const auto log = d->getArray("attempt_log");
        for (std::size_t i = 0; i + 1 < log->size(); ++i) {
            CHECK(log->getObject(static_cast<unsigned>(i))->getValue<int>("status") == 503);
            CHECK(log->getObject(static_cast<unsigned>(i))->getValue<std::string>("outcome") == "retry");
        }
    }
    CHECK(retried > 0);
}

SCENARIO("a dispatcher that claims one delivery at a time delivers every task", "[delivery]") {
    // A claim of one row reads into vectors of one: the store must still see that row.
    DeliveryHub hub(1);
    const std::string p = hub.pupil(4);
    for (int i = 0; i < 5; ++i) REQUIRE(hub.create_task("gm0518", p, "plan/4/task-" + std::to_string(i)).status == 201);
    CHECK(eventually([&] { return hub.accepted() == 5; }, 20));
    CHECK(hub.receiver_stats()->getValue<long long>("duplicates") == 0);
}

SCENARIO_METHOD(DeliveryHub, "a permanently failing receiver ends in dead letter and a manual retry delivers it",
                "[delivery]") {
    tell_receiver(R"({"always": true, "status": 500})");
    const auto created = create_task("gm1916", pupil(4));
    REQUIRE(created.status == 201);
    const std::string id = delivery_id(created);
    // Schedule [1, 1]: each retry is due a second of the service's clock later.
    REQUIRE(service.advance_until([&] { return state_of(id) == "dead"; }, 1, 10));
    auto d = delivery(id);
    CHECK(d->getValue<int>("attempts") == 3);  // schedule [1, 1]: three attempts
    CHECK(d->getValue<std::string>("last_error").find("no attempts left") != std::string::npos);
    CHECK(parse_object(service.request("GET", "/v1/deliveries?state=dead", "", admin).body)
              ->getArray("deliveries")
              ->size() == 1);
    CHECK(accepted() == 0);

    WHEN("the receiver is repaired and an admin retries") {
        tell_receiver("{}");
        CHECK(service.request("POST", "/v1/deliveries/" + id + "/retry", "", admin_token("x", {"privacy_officer"}))
                  .status == 403);
        const auto retried = service.request("POST", "/v1/deliveries/" + id + "/retry", "", admin);
        REQUIRE(retried.status == 200);
        THEN("it is delivered once (when the receiver's open breaker lets it), and the attempts stay on record") {
            REQUIRE(service.advance_until([&] { return state_of(id) == "delivered"; }, 1, 10));
            CHECK(accepted() == 1);
            d = delivery(id);
            CHECK(d->getValue<int>("attempts") == 4);
            CHECK(d->getArray("attempt_log")->size() == 4);
            CHECK(service.request("POST", "/v1/deliveries/" + id + "/retry", "", admin).status == 409);
            CHECK(service.request("POST", "/v1/deliveries/" + id + "/cancel", "", admin).status == 409);
        }
    }
}

SCENARIO_METHOD(DeliveryHub, "410 Gone ends a delivery at once; a cancelled delivery is never sent", "[delivery]") {
    tell_receiver(R"({"always": true, "status": 410})");
    const std::string p = pupil(5);
    const std::string gone = delivery_id(create_task("gm0518", p, "plan/5/gone"));
    REQUIRE(eventually([&] { return state_of(gone) == "dead"; }, 30));
    CHECK(delivery(gone)->getValue<int>("attempts") == 1);
    CHECK(delivery(gone)->getValue<std::string>("last_error").find("410") != std::string::npos);

    tell_receiver(R"({"always": true, "status": 503})");
    const std::string cancelled = delivery_id(create_task("gm0518", p, "plan/5/cancelled"));
    REQUIRE(eventually([&] { return delivery(cancelled)->getValue<int>("attempts") >= 1; }, 30));
    REQUIRE(service.request("POST", "/v1/deliveries/" + cancelled + "/cancel", "", admin).status == 200);
    CHECK(state_of(cancelled) == "cancelled");
    tell_receiver("{}");
    const std::string later = delivery_id(create_task("gm0518", p, "plan/5/later"));
    REQUIRE(eventually([&] { return state_of(later) == "delivered"; }, 30));
    CHECK(state_of(cancelled) == "cancelled");
    CHECK(receiver_stats()->getValue<long long>("accepted") == 1);
}

SCENARIO_METHOD(DeliveryHub, "a task for a ZGW municipality becomes one zaak with a status, even when retried",
                "[delivery]") {
    // The first two calls fail, so the connector's lookup-before-create is exercised on retry.
    REQUIRE(http_call(zgw.port(), "POST", "/_control", R"({"fail_count": 2, "status": 503})").status == 200);
    const std::string p = pupil(6);
    const auto created = create_task("gm0603", p, "plan/6/adviestafel");
    REQUIRE(created.status == 201);
    const std::string id = delivery_id(created);
    REQUIRE(service.advance_until([&] { return state_of(id) == "delivered"; }, 1, 20));
    const auto d = delivery(id);
    CHECK(d->getValue<int>("attempts") >= 2);
    const std::string zaak_url = d->getValue<std::string>("external_reference");
    CHECK(zaak_url.starts_with(zgw.url("/zaken/api/v1/zaken/")));

    const auto zaken = parse_object(zgw_get("/zaken/api/v1/zaken?identificatie=EP-" + id.substr(0, 37)).body);
    REQUIRE(zaken->getValue<int>("count") == 1);
    const auto zaak = zaken->getArray("results")->getObject(0);
    check_minimal_zaak(zaak, "adviestafel.aanmelden", "2026-12-14", p, "vier weken verzuim");
    CHECK(zaak->getValue<std::string>("url") == zaak_url);
    CHECK(zaak->getValue<std::string>("verantwoordelijkeOrganisatie") == "001234565");
    CHECK(zaak->getValue<std::string>("bronorganisatie") == "002220647");
    CHECK(zaak->getValue<std::string>("zaaktype").find("/zaaktypen/") != std::string::npos);
    CHECK(zaak->getValue<std::string>("uiterlijkeEinddatumAfdoening") == "2026-12-14");
    CHECK(zaak->getValue<std::string>("omschrijving") == "adviestafel.aanmelden");
    const auto kenmerken = zaak->getArray("kenmerken");
    REQUIRE(kenmerken->size() == 2);
    CHECK(kenmerken->getObject(0)->getValue<std::string>("bron") == "eenplan:pseudoniem");
    CHECK(kenmerken->getObject(0)->getValue<std::string>("kenmerk") != p);
    CHECK(zaak->getValue<std::string>("toelichting").find("vier weken") == std::string::npos);  // the reason stays

    const auto all = parse_object(zgw_get("/zaken/api/v1/zaken").body);
    CHECK(all->getValue<int>("count") == 1);
    std::string encoded;
    Poco::URI::encode(zaak_url, "&=?/:#+", encoded);
    const auto statussen = parse_object(zgw_get("/zaken/api/v1/statussen?zaak=" + encoded).body);
    CHECK(statussen->getValue<int>("count") == 1);
}

SCENARIO_METHOD(DeliveryHub, "tasks, logs and metrics hold no number of the pupil", "[delivery][privacy]") {
    const std::string bsn = eenplan::simulators::synthetic_bsn(7);
    const std::string p = pupil(7);
    REQUIRE(create_task("gm0518", p).status == 201);
    REQUIRE(create_task("gm0603", p).status == 201);
    REQUIRE(eventually([&] { return accepted() == 1; }, 30));
    REQUIRE(eventually(
        [&] {
            return parse_object(service.request("GET", "/v1/deliveries?state=delivered", "", admin).body)
                       ->getArray("deliveries")
                       ->size() == 2;
        },
        30));
    CHECK(store.everything_as_text().find(bsn) == std::string::npos);
    CHECK(service.log_text().find(bsn) == std::string::npos);
    CHECK(service.get("/metrics").body.find(bsn) == std::string::npos);
    CHECK(service.get("/metrics").body.find(R"(eenplan_deliveries_total{outcome="delivered",recipient="gm0518"} 1)") !=
          std::string::npos);
    CHECK(http_call(receiver.port(), "GET", "/tasks").body.find(bsn) == std::string::npos);
    CHECK(zgw_get("/zaken/api/v1/zaken").body.find(bsn) == std::string::npos);
    CHECK(zgw_get("/zaken/api/v1/zaken").body.find(p) == std::string::npos);
}
