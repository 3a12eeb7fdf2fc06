// A hub with task recipients for the delivery tests: the real eenplan-service on the test store,
// a Standard Webhooks receiver that can be told to fail (two recipients point at it: one with a
// long retry schedule, one with three attempts), and a municipality's ZGW Zaken API. The service
// runs on its manual clock: a retry delay passes when the test moves the clock, not by sleeping.
#pragma once

#include <sstream>
#include <string>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Timestamp.h>

#include <catch2/catch.hpp>

#include "outbound/webhook_sender.hpp"
#include "outbound/zgw_token.hpp"
#include "support/service_process.hpp"
#include "support/simulator_process.hpp"
#include "synthetic_people.hpp"

namespace eenplan::testing {

inline constexpr const char* receiver_secret = "whsec_dGFzay1zZWNyZXQtb2YtdGhlLXJlY2VpdmVyLTEyMzQ=";
inline constexpr const char* zgw_secret = "zgw-secret-of-the-municipality";

inline Poco::JSON::Object::Ptr parse_object(const std::string& body) {
    return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
}

inline std::string delivery_config(int receiver_port, int zgw_port, int threads = 2, int batch_size = 50) {
    const std::string receiver = "http://127.0.0.1:" + std::to_string(receiver_port) + "/eenplan/tasks";
    const std::string zgw = "http://127.0.0.1:" + std::to_string(zgw_port);
    return "delivery:\n  dispatcher_threads: " + std::to_string(threads) +
           "\n  batch_size: " + std::to_string(batch_size) +
           "\n  poll_interval_ms: 50\n"
           "  circuit_breaker: {failure_threshold: 3, open_seconds: 1}\n"
           "recipients:\n"
           "  - id: gm0518\n    name: Gemeente Den Haag\n    connector: webhook\n    url: " +
           receiver + "\n    secret: \"" + receiver_secret +
           "\"\n    timeout_ms: 2000\n"
           "    retry: {schedule_seconds: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], "
           "max_age_seconds: 300}\n"
           "  - id: gm1916\n    name: Gemeente Leidschendam-Voorburg (Node-RED)\n    connector: nodered\n    url: " +
           receiver + "\n    secret: \"" + receiver_secret +
           "\"\n    timeout_ms: 2000\n"
           "    retry: {schedule_seconds: [1, 1], max_age_seconds: 60}\n"
           "  - id: gm0603\n    name: Gemeente Rijswijk\n    connector: zgw\n    url: " +
           zgw +
           "/zaken/api/v1\n"
           "    timeout_ms: 2000\n    retry: {schedule_seconds: [1, 1, 1, 1, 1], max_age_seconds: 120}\n"
           "    zgw:\n      client_id: eenplan\n      secret: " +
           zgw_secret +
           "\n"
           "      zaaktype: " +
           zgw +
           "/catalogi/api/v1/zaaktypen/0d4b9c52-4d13-4b8e-9d73-0ea1ea1f6a11\n"
           "      statustype: " +
           zgw +
           "/catalogi/api/v1/statustypen/7f2c3b0e-0d7a-4a57-a1b4-5b6c6f0a3f52\n"
           "      bronorganisatie: \"002220647\"\n      verantwoordelijke_organisatie: \"001234565\"\n";
}

struct DeliveryHub {
    DeliveryHub() = default;
    // A dispatcher that claims `batch_size` deliveries at a time (50 otherwise).
    explicit DeliveryHub(int batch_size) : batch_size_(batch_size) {}

    int batch_size_ = 50;
    TempDir dir;
    TestStore store{dir.path()};
    SimulatorProcess receiver{EENPLAN_WEBHOOK_RECEIVER, {"--secret", receiver_secret}};
    SimulatorProcess zgw{EENPLAN_ZGW_SIM, {"--secret", zgw_secret, "--client-id", "eenplan"}};
    ServiceProcess service{store, dir.path(), options()};
    std::string admin = admin_token("beheerder@eenplan", {"admin"});

    ServiceOptions options() const {
        ServiceOptions o;
        o.extra_config = delivery_config(receiver.port(), zgw.port(), 2, batch_size_);
        o.manual_clock = true;
        return o;
    }

    // Sends one signal about a synthetic pupil and returns the hub pseudonym it was stored under.
    std::string pupil(std::uint32_t n) const {
        integration::WebhookSender sender({service.signals_url("school-a"), std::nullopt, std::chrono::seconds(10)});
        const std::string body =
            R"({"type":"enrolment.started","occurred_at":"2026-08-24T08:00:00Z","subject":{"bsn":")" +
            simulators::synthetic_bsn(n) +
            R"("},"school":{"brin":"12AB","gemeentecode":"GM0518"},"data":{"start_date":"2026-08-24"}})";
        const std::string webhook_id = "msg_pupil_" + std::to_string(n);
        const auto r = sender.post(webhook_id, Poco::Timestamp().epochTime(), body, school_a().secret_bytes());
        if (r.status / 100 != 2) throw std::runtime_error("signal refused: " + r.body);
        auto sql = store.session();
        std::string pseudonym;
        *sql << "SELECT subject_pseudonym FROM signals WHERE webhook_id = :w", soci::use(webhook_id),
            soci::into(pseudonym);
        return pseudonym;
    }

    HttpAnswer create_task(const std::string& recipient, const std::string& pupil_pseudonym,
                           const std::string& reference = "plan/42/adviestafel") const {
        return service.request(
            "POST", "/v1/tasks",
            R"({"type":"adviestafel.aanmelden","recipient":")" + recipient + R"(","pupil":")" + pupil_pseudonym +
                R"(","due_date":"2026-12-14","reason":"vier weken verzuim ondanks het plan van het MDO","reference":")" +
                reference + R"("})",
            admin);
    }

    // The delivery id of a 201 answer to create_task.
    static std::string delivery_id(const HttpAnswer& created) {
        return parse_object(created.body)->getValue<std::string>("delivery_id");
    }

    Poco::JSON::Object::Ptr delivery(const std::string& id) const {
        const auto answer = service.request("GET", "/v1/deliveries/" + id, "", admin);
        if (answer.status != 200) throw std::runtime_error("GET delivery: " + answer.body);
        return parse_object(answer.body);
    }

    std::string state_of(const std::string& id) const { return delivery(id)->getValue<std::string>("state"); }

    Poco::JSON::Object::Ptr receiver_stats() const {
        return parse_object(http_call(receiver.port(), "GET", "/stats").body);
    }
    long long accepted() const { return receiver_stats()->getValue<long long>("accepted"); }

    void tell_receiver(const std::string& behaviour) const {
        if (http_call(receiver.port(), "POST", "/control", behaviour).status != 200)
            throw std::runtime_error("control");
    }

    HttpAnswer zgw_get(const std::string& path) const {
        return http_call(zgw.port(), "GET", path, "",
                         {{"Authorization",
                           "Bearer " + integration::zgw_token("eenplan", zgw_secret, Poco::Timestamp().epochTime())}});
    }

    // Every zaak the simulated municipality holds.
    Poco::JSON::Array::Ptr zaken() const {
        return parse_object(zgw_get("/zaken/api/v1/zaken").body)->getArray("results");
    }
};

// A zaak as the ZGW connector makes it: of the configured zaaktype and organisations, with the
// task type and due date, the recipient's pseudonym as its one identifying kenmerk, and nothing
// of the hub's own (its pseudonym `hub_pseudonym`, the task's reason `reason`).
inline void check_minimal_zaak(const Poco::JSON::Object::Ptr& zaak, const std::string& type,
                               const std::string& due_date, const std::string& hub_pseudonym,
                               const std::string& reason) {
    CHECK(zaak->getValue<std::string>("omschrijving") == type);
    CHECK(zaak->getValue<std::string>("uiterlijkeEinddatumAfdoening") == due_date);
    CHECK(zaak->getValue<std::string>("verantwoordelijkeOrganisatie") == "001234565");
    CHECK(zaak->getValue<std::string>("vertrouwelijkheidaanduiding") == "vertrouwelijk");
    CHECK(zaak->getValue<std::string>("identificatie").starts_with("EP-"));
    const auto kenmerken = zaak->getArray("kenmerken");
    REQUIRE(kenmerken->size() == 2);
    CHECK(kenmerken->getObject(0)->getValue<std::string>("bron") == "eenplan:pseudoniem");
    CHECK(kenmerken->getObject(0)->getValue<std::string>("kenmerk").starts_with("kp1:"));
    CHECK(kenmerken->getObject(1)->getValue<std::string>("bron") == "eenplan:taak");
    std::ostringstream text;
    zaak->stringify(text);
    CHECK(text.str().find(hub_pseudonym) == std::string::npos);
    if (!reason.empty()) CHECK(text.str().find(reason) == std::string::npos);
    for (const char* field : {"rollen", "betrokkeneIdentificatie", "inpBsn"})
        CHECK(text.str().find(field) == std::string::npos);
}

}  // namespace eenplan::testing
