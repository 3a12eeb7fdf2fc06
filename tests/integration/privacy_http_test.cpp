// Data sharing through the real service, on SQLite and PostgreSQL: nothing leaves without an
// agreement (and the delivery says why), a leerplicht notification carries only what its
// agreement allows, a withdrawn consent blocks the next consent-based disclosure but not a
// statutory one, a retried dead letter is checked against the policy of that moment, agreement
// versions apply by date, and the subject access export lists every disclosure and every access.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "delivery_fixture.hpp"
#include "eenplan/core/routeboek/calendar.hpp"
#include "record_fixture.hpp"
#include "support/files.hpp"

using namespace eenplan;
using namespace eenplan::testing;

namespace {

std::string dutch_day(int offset, std::int64_t now_s = 0) {
    const auto now = now_s == 0 ? std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())
                                : std::chrono::sys_seconds(std::chrono::seconds(now_s));
    return routeboek::format_day(routeboek::add_days(routeboek::dutch_day(now), offset));
}

// The register entries and agreements the tests start from (privacy.agreements_file).
std::string register_yaml() {
    return "processing_activities:\n"
           "  - id: va-leerplicht\n"
           "    name: Verzuim- en registratiemeldingen aan leerplicht\n"
           "    controller: Gemeente Rijswijk\n"
           "    purpose: Toezicht op de naleving van de Leerplichtwet\n"
           "    legal_basis: Leerplichtwet 1969 art. 16, 18 en 21\n"
           "    data_categories: [recipient_pseudonym, task_type, due_date, school, event_date, reason_code, "
           "absence_summary]\n"
           "    subject_categories: [pupils]\n"
           "    recipients: [leerplicht]\n"
           "    retention: P5Y\n"
           "  - id: va-jeugdhulp\n"
           "    name: Afstemming onderwijs en jeugdhulp\n"
           "    controller: Gemeente Rijswijk\n"
           "    purpose: Afstemming van onderwijs en jeugdhulp rond een leerling, met toestemming\n"
           "    legal_basis: toestemming (AVG art. 6 lid 1 sub a)\n"
           "    data_categories: [recipient_pseudonym, task_type, due_date]\n"
           "    subject_categories: [pupils, parents]\n"
           "    recipients: [local_team]\n"
           "    retention: P2Y\n";
}

std::string leerplicht_agreement(int version, const std::string& from, const std::string& categories,
                                 const std::string& extra = "") {
    return "  - id: leerplicht-rijswijk\n    version: " + std::to_string(version) + "\n    valid_from: \"" + from +
           "\"\n    parties: [{kind: leerplicht}]\n    purpose: verzuim\n    task_types: [\"leerplicht.*\"]\n"
           "    legal_basis: {kind: statutory_task, article: \"Leerplichtwet 1969 art. 18\"}\n"
           "    processing_activity: va-leerplicht\n    categories: [" +
           categories + "]\n    retention: P5Y\n" + extra;
}

std::string consent_agreement() {
    return "  - id: jeugdhulp-rijswijk\n    version: 1\n    valid_from: \"2020-01-01\"\n"
           "    parties: [{kind: local_team}]\n    purpose: jeugdhulp-afstemming\n    task_types: [\"mdo.*\"]\n"
           "    legal_basis: {kind: consent}\n    processing_activity: va-jeugdhulp\n"
           "    categories: [recipient_pseudonym, task_type, due_date]\n    retention: P2Y\n";
}

// A hub with the Haaglanden routeboek, a school and a municipality as sources, and two webhook
// recipients on one receiver: Rijswijk's leerplicht office (kind leerplicht) and Rijswijk's local
// team (kind local_team). No default agreement: each scenario brings its own agreements file.
struct PrivacyHub {
    explicit PrivacyHub(std::string agreements, bool manual_clock = false, int dispatcher_threads = 2)
        : agreements_(std::move(agreements)), manual_clock_(manual_clock), dispatcher_threads_(dispatcher_threads) {
        if (!agreements_.empty()) {
            std::ofstream(dir.path() / "agreements.yaml") << agreements_;
        }
        service.emplace(store, dir.path(), options());
    }

    std::string agreements_;
    bool manual_clock_;
    int dispatcher_threads_;
    TempDir dir;
    TestStore store{dir.path()};
    // The test clock may run weeks ahead: the receiver takes any webhook-timestamp within 60 days.
    SimulatorProcess receiver{EENPLAN_WEBHOOK_RECEIVER,
                              {"--secret", receiver_secret, "--tolerance-seconds", std::to_string(60 * 24 * 3600)}};
    std::optional<ServiceProcess> service;
    std::string admin = admin_token("ib@school.example", {"admin"});
    std::string officer = admin_token("fg@gemeente.example", {"privacy_officer"});
    int sent = 0;

    ServiceOptions options() const {
        ServiceOptions o;
        o.sources = {school_a(), municipality()};
        o.default_agreement = false;
        o.manual_clock = manual_clock_;
        const std::string hook = "http://127.0.0.1:" + std::to_string(receiver.port()) + "/eenplan/tasks";
        auto webhook = [&](const std::string& id, const std::string& kind) {
            return "  - id: " + id + "\n    kind: " + kind + "\n    connector: webhook\n    url: " + hook +
                   "\n    secret: \"" + receiver_secret +
                   "\"\n    timeout_ms: 2000\n    retry: {schedule_seconds: [1, 1], max_age_seconds: 60}\n";
        };
        o.extra_config = "routeboek: " + shipped_routeboek_path() + "\n" +
                         "delivery:\n  dispatcher_threads: " + std::to_string(dispatcher_threads_) +
                         "\n  poll_interval_ms: 50\n"
                         "  circuit_breaker: {failure_threshold: 100, open_seconds: 1}\n"
                         "recipients:\n" +
                         webhook("gm0603-leerplicht", "leerplicht") + webhook("lt-rijswijk", "local_team");
        if (!agreements_.empty()) o.extra_config += "privacy:\n  agreements_file: agreements.yaml\n";
        return o;
    }

    ServiceProcess& svc() { return *service; }

    std::string accept(const TestSource& source, const std::string& body) {
        integration::WebhookSender sender({svc().signals_url(source.id), std::nullopt, std::chrono::seconds(10)});
        const auto r = sender.post("msg_priv_" + std::to_string(++sent), Poco::Timestamp().epochTime(), body,
                                   source.secret_bytes());
        INFO(r.body);
        REQUIRE(r.status == 202);
        return parse_object(r.body)->getValue<std::string>("signal_id");
    }

    // A Rijswijk pupil enrolled at a Den Haag school: the routeboek tells Rijswijk's leerplicht
    // (leerplicht.inschrijving with the BRIN, the date and the sector). Returns the pupil id.
    std::string enrolled_rijswijk_pupil(std::uint32_t n) {
        const std::string bsn = simulators::synthetic_bsn(n);
        accept(municipality(), household({{"child", bsn_subject(bsn)}}, "GM0603", dutch_day(-400)));
        const std::string signal =
            accept(school_a(), R"({"type":"enrolment.started","occurred_at":")" + dutch_day(0) +
                                   R"(T08:00:00Z","subject":)" + bsn_subject(bsn) +
                                   R"(,"school":{"brin":"12AB","gemeentecode":"GM0518"},"data":{"start_date":")" +
                                   dutch_day(-3) + R"(","sector":"po"}})");
        REQUIRE(eventually(
            [&] {
                auto sql = store.session();
                long long at = 0;
                soci::indicator ind = soci::i_null;
                *sql << "SELECT planned_at_us FROM signals WHERE signal_id = :s", soci::use(signal),
                    soci::into(at, ind);
                return ind == soci::i_ok;
            },
            20));
        return pupil_of(signal);
    }

    std::string pupil_of(const std::string& signal) {
        auto sql = store.session();
        std::string pupil;
        *sql << "SELECT pupil_id FROM signal_links WHERE signal_id = :s", soci::use(signal), soci::into(pupil);
        return pupil;
    }

    std::string pseudonym_of(const std::string& pupil) {
        auto sql = store.session();
        std::string pseudonym;
        *sql << "SELECT pseudonym FROM pupil_identifiers WHERE pupil_id = :p", soci::use(pupil), soci::into(pseudonym);
        return pseudonym;
    }

    // The one delivery of a task of this type to this recipient (newest first when several).
    std::string delivery_of(const std::string& recipient, const std::string& type) {
        std::string id;
        REQUIRE(eventually(
            [&] {
                auto sql = store.session();
                *sql << "SELECT d.delivery_id FROM deliveries d JOIN tasks t ON t.task_id = d.task_id "
                        "WHERE t.recipient_id = :r AND t.type = :t ORDER BY d.created_at_us DESC",
                    soci::use(recipient), soci::use(type), soci::into(id);
                return sql->got_data();
            },
            20));
        return id;
    }

    Poco::JSON::Object::Ptr delivery(const std::string& id) {
        const auto answer = svc().request("GET", "/v1/deliveries/" + id, "", admin);
        REQUIRE(answer.status == 200);
        return parse_object(answer.body);
    }

    // Waits (moving the clock when it is manual) until the delivery reaches `state`.
    bool reaches(const std::string& id, const std::string& state) {
        auto done = [&] { return delivery(id)->getValue<std::string>("state") == state; };
        if (manual_clock_) return svc().advance_until(done, 2, 30);
        return eventually(done, 30);
    }

    HttpAnswer task(const std::string& recipient, const std::string& type, const std::string& pseudonym) {
        return svc().request("POST", "/v1/tasks",
                             R"({"type":")" + type + R"(","recipient":")" + recipient + R"(","pupil":")" + pseudonym +
                                 R"(","due_date":"2026-12-14","reason":"overleg in het MDO","reference":"plan/7/mdo"})",
                             admin);
    }

    std::string task_delivery(const std::string& recipient, const std::string& type, const std::string& pseudonym) {
        const auto created = task(recipient, type, pseudonym);
        INFO(created.body);
        REQUIRE(created.status == 201);
        return parse_object(created.body)->getValue<std::string>("delivery_id");
    }

    // The task bodies the receiver took, oldest first.
    Poco::JSON::Array::Ptr received() {
        return Poco::JSON::Parser()
            .parse(http_call(receiver.port(), "GET", "/tasks").body)
            .extract<Poco::JSON::Array::Ptr>();
    }

    // The parents' and the young person's consent to share with the local team (jeugdhulp-afstemming).
    HttpAnswer give_consent(const std::string& pupil) {
        return svc().request(
            "POST", "/v1/privacy/consents",
            R"({"pupil":")" + pupil +
                R"(","purpose":"jeugdhulp-afstemming","recipient_kind":"local_team","categories":["recipient_pseudonym",)"
                R"("task_type","due_date"],"valid_from":"2020-01-01","given_by":["parent","young_person"],"age_band":"12_to_15"})",
            officer);
    }

    Poco::JSON::Array::Ptr disclosures(const std::string& query) {
        const auto answer = svc().request("GET", "/v1/privacy/disclosures" + query, "", officer);
        INFO(answer.body);
        REQUIRE(answer.status == 200);
        return parse_object(answer.body)->getArray("disclosures");
    }
};

}  // namespace

SCENARIO("with no agreement nothing is delivered and the delivery says why", "[privacy][delivery]") {
    PrivacyHub hub("processing_activities:\n" + register_yaml().substr(std::string("processing_activities:\n").size()));
    hub.enrolled_rijswijk_pupil(801);
    const std::string id = hub.delivery_of("gm0603-leerplicht", "leerplicht.inschrijving");
    REQUIRE(hub.reaches(id, "blocked"));
    const auto blocked = hub.delivery(id);
    CHECK(blocked->getValue<std::string>("last_error") == "blocked: no_agreement");
    CHECK(blocked->getValue<int>("attempts") == 0);
    CHECK(http_call(hub.receiver.port(), "GET", "/stats").body.find("\"accepted\":0") != std::string::npos);
    CHECK(hub.svc().log_text().find("delivery.blocked") != std::string::npos);
    CHECK(hub.svc().log_text().find("no_agreement") != std::string::npos);
    CHECK(hub.disclosures("")->size() == 0);
    // The state is one the delivery API lists by.
    const auto listed = hub.svc().request("GET", "/v1/deliveries?state=blocked", "", hub.admin);
    REQUIRE(listed.status == 200);
    CHECK(listed.body.find(id) != std::string::npos);

    WHEN("the privacy officer records an agreement and the delivery is retried") {
        const std::string agreement =
            R"({"id":"leerplicht-rijswijk","valid_from":"2020-01-01","parties":[{"kind":"leerplicht"}],)"
            R"("purpose":"verzuim","task_types":["leerplicht.*"],)"
            R"("legal_basis":{"kind":"statutory_task","article":"Leerplichtwet 1969 art. 18"},)"
            R"("processing_activity":"va-leerplicht","categories":["recipient_pseudonym","task_type","due_date",)"
            R"("school","event_date"],"retention":"P5Y"})";
        CHECK(hub.svc().request("POST", "/v1/privacy/agreements", agreement, hub.admin).status == 403);
        const auto created = hub.svc().request("POST", "/v1/privacy/agreements", agreement, hub.officer);
        INFO(created.body);
        REQUIRE(created.status == 201);
        CHECK(parse_object(created.body)->getValue<int>("version") == 1);
        REQUIRE(hub.svc().request("POST", "/v1/deliveries/" + id + "/retry", "", hub.admin).status == 200);
        THEN("it is checked again and leaves under that agreement") {
            REQUIRE(hub.reaches(id, "delivered"));
            const auto log = hub.disclosures("?recipient=gm0603-leerplicht");
            REQUIRE(log->size() == 1);
            CHECK(log->getObject(0)->getObject("agreement")->getValue<std::string>("id") == "leerplicht-rijswijk");
        }
    }
}

SCENARIO("bad agreements and consents are refused with problem+json", "[privacy]") {
    PrivacyHub hub(register_yaml());
    auto post = [&](const std::string& path, const std::string& body) {
        return hub.svc().request("POST", path, body, hub.officer);
    };
    const auto unknown_activity = post(
        "/v1/privacy/agreements",
        R"({"id":"x","valid_from":"2026-01-01","parties":[{"kind":"school"}],"purpose":"verzuim","task_types":["*"],)"
        R"("legal_basis":{"kind":"consent"},"processing_activity":"va-none","categories":["task_type"],"retention":"P1Y"})");
    CHECK(unknown_activity.status == 422);
    CHECK(unknown_activity.content_type.starts_with("application/problem+json"));
    CHECK(unknown_activity.body.find("/processing_activity") != std::string::npos);
    const auto health_without_basis = post(
        "/v1/privacy/agreements",
        R"({"id":"x","valid_from":"2026-01-01","parties":[{"kind":"school"}],"purpose":"verzuim","task_types":["*"],)"
        R"("legal_basis":{"kind":"statutory_task","article":"x"},"processing_activity":"va-leerplicht",)"
        R"("categories":["task_type","health"],"retention":"P1Y"})");
    CHECK(health_without_basis.status == 422);
    CHECK(health_without_basis.body.find("special_category_basis") != std::string::npos);
    CHECK(post("/v1/privacy/agreements", R"({"id":"x"})").status == 422);
    CHECK(post("/v1/privacy/agreements", "{not json").status == 400);
    const std::string pupil = hub.enrolled_rijswijk_pupil(802);
    const auto child_alone = post(
        "/v1/privacy/consents", R"({"pupil":")" + pupil +
                                    R"(","purpose":"jeugdhulp-afstemming","categories":["task_type"],)"
                                    R"("valid_from":"2026-01-01","given_by":["young_person"],"age_band":"12_to_15"})");
    CHECK(child_alone.status == 422);
    CHECK(child_alone.body.find("/given_by") != std::string::npos);
    CHECK(post("/v1/privacy/consents/00000000-0000-4000-8000-000000000000/withdraw", "").status == 404);
    // The register, as JSON and as CSV for the municipality's own register.
    const auto csv = hub.svc().request("GET", "/v1/privacy/activities?format=csv", "",
                                       admin_token("auditor@gemeente.example", {"auditor"}));
    REQUIRE(csv.status == 200);
    CHECK(csv.content_type.starts_with("text/csv"));
    CHECK(csv.body.find("\"va-leerplicht\"") != std::string::npos);
}

SCENARIO("a leerplicht notification carries only what its agreement allows", "[privacy][registration]") {
    PrivacyHub hub(
        register_yaml() + "agreements:\n" +
        leerplicht_agreement(1, "2020-01-01", "recipient_pseudonym, task_type, due_date, school, event_date"));
    const std::string pupil = hub.enrolled_rijswijk_pupil(803);
    const std::string id = hub.delivery_of("gm0603-leerplicht", "leerplicht.inschrijving");
    REQUIRE(hub.reaches(id, "delivered"));
    // The routeboek made the task with the BRIN, the date and the sector; the agreement does not
    // allow the sector (reason_code), so it never left.
    auto sql = hub.store.session();
    std::string queued;
    *sql << "SELECT payload FROM deliveries WHERE delivery_id = :d", soci::use(id), soci::into(queued);
    CHECK(parse_object(queued)->has("reason_code"));
    const auto received = hub.received();
    REQUIRE(received->size() == 1);
    const auto sent = received->getObject(0);
    CHECK(sent->getValue<std::string>("type") == "leerplicht.inschrijving");
    CHECK(sent->getValue<std::string>("school_brin") == "12AB");
    CHECK(sent->getValue<std::string>("date") == dutch_day(-3));
    CHECK_FALSE(sent->has("reason_code"));

    THEN("the disclosure log says what left, to whom, under which agreement version and basis") {
        const auto log = hub.disclosures("?pupil=" + pupil);
        REQUIRE(log->size() == 1);
        const auto d = log->getObject(0);
        CHECK(d->getValue<std::string>("recipient_id") == "gm0603-leerplicht");
        CHECK(d->getValue<std::string>("pupil_id") == pupil);
        CHECK(d->getObject("agreement")->getValue<std::string>("id") == "leerplicht-rijswijk");
        CHECK(d->getObject("agreement")->getValue<int>("version") == 1);
        CHECK(d->getObject("legal_basis")->getValue<std::string>("kind") == "statutory_task");
        CHECK(d->getObject("legal_basis")->getValue<std::string>("article") == "Leerplichtwet 1969 art. 18");
        CHECK(d->getValue<std::string>("processing_activity") == "va-leerplicht");
        CHECK(d->getValue<std::string>("correlation_id") == sent->getValue<std::string>("correlation_id"));
        std::ostringstream categories;
        d->getArray("categories")->stringify(categories);
        CHECK(categories.str() == R"(["recipient_pseudonym","task_type","due_date","school","event_date"])");
        CHECK(hub.disclosures("?recipient=lt-rijswijk")->size() == 0);
        // Reading the log is itself in the audit trail.
        const auto trail = hub.svc().request("GET", "/v1/audit?object=" + pupil, "", hub.officer);
        CHECK(trail.body.find("/v1/privacy/disclosures") != std::string::npos);
    }
}

SCENARIO("a withdrawn consent blocks the next consent-based disclosure but not a statutory one", "[privacy]") {
    PrivacyHub hub(register_yaml() + "agreements:\n" +
                   leerplicht_agreement(1, "2020-01-01", "recipient_pseudonym, task_type, due_date, absence_summary") +
                   consent_agreement());
    const std::string pupil = hub.enrolled_rijswijk_pupil(804);
    const std::string pseudonym = hub.pseudonym_of(pupil);

    // Without a consent the local team gets nothing.
    const std::string before = hub.task_delivery("lt-rijswijk", "mdo.uitnodiging", pseudonym);
    REQUIRE(hub.reaches(before, "blocked"));
    CHECK(hub.delivery(before)->getValue<std::string>("last_error") == "blocked: no_consent");

    const auto given = hub.give_consent(pupil);
    INFO(given.body);
    REQUIRE(given.status == 201);
    const std::string consent = parse_object(given.body)->getValue<std::string>("consent_id");
    const std::string with_consent = hub.task_delivery("lt-rijswijk", "mdo.uitnodiging", pseudonym);
    REQUIRE(hub.reaches(with_consent, "delivered"));
    auto log = hub.disclosures("?recipient=lt-rijswijk");
    REQUIRE(log->size() == 1);
    CHECK(log->getObject(0)->getObject("legal_basis")->getValue<std::string>("kind") == "consent");
    CHECK(log->getObject(0)->getObject("legal_basis")->getValue<std::string>("consent_id") == consent);

    WHEN("the parent withdraws the consent") {
        const auto withdrawn =
            hub.svc().request("POST", "/v1/privacy/consents/" + consent + "/withdraw", "", hub.officer);
        REQUIRE(withdrawn.status == 200);
        CHECK(parse_object(withdrawn.body)->has("withdrawn_at_us"));
        CHECK(hub.svc().request("POST", "/v1/privacy/consents/" + consent + "/withdraw", "", hub.officer).status ==
              409);
        THEN("the next consent-based disclosure is blocked") {
            const std::string after = hub.task_delivery("lt-rijswijk", "mdo.uitnodiging", pseudonym);
            REQUIRE(hub.reaches(after, "blocked"));
            CHECK(hub.delivery(after)->getValue<std::string>("last_error") == "blocked: consent_withdrawn");
            CHECK(hub.disclosures("?recipient=lt-rijswijk")->size() == 1);
        }
        THEN("a statutory disclosure about the same pupil still leaves and says its basis") {
            const std::string statutory =
                hub.task_delivery("gm0603-leerplicht", "leerplicht.verzuimmelding", pseudonym);
            REQUIRE(hub.reaches(statutory, "delivered"));
            bool found = false;
            const auto all = hub.disclosures("?pupil=" + pupil);
            for (std::size_t i = 0; i < all->size(); ++i) {
                const auto d = all->getObject(static_cast<unsigned>(i));
                if (d->getValue<std::string>("delivery_id") != statutory) continue;
                found = true;
                CHECK(d->getObject("legal_basis")->getValue<std::string>("kind") == "statutory_task");
                CHECK_FALSE(d->getObject("legal_basis")->has("consent_id"));
            }
            CHECK(found);
        }
    }
}

SCENARIO("a consent withdrawn while a batch is being sent stops the rest of it within a second", "[privacy]") {
    // One dispatcher thread and a receiver that takes 400 ms a task: the tasks queued while the
    // first is sent go out as one batch of about 4.5 s, whose sharing decisions were made when it
    // was claimed. They are made again for the rest of the batch once they are a second old.
    PrivacyHub hub(register_yaml() + "agreements:\n" + consent_agreement(), false, 1);
    const std::string pupil = hub.enrolled_rijswijk_pupil(805);
    const std::string pseudonym = hub.pseudonym_of(pupil);
    const auto given = hub.give_consent(pupil);
    REQUIRE(given.status == 201);
    const std::string consent = parse_object(given.body)->getValue<std::string>("consent_id");
    REQUIRE(http_call(hub.receiver.port(), "POST", "/control", R"({"delay_ms": 400})").status == 200);
    std::vector<std::string> deliveries;
    for (int i = 0; i < 12; ++i) deliveries.push_back(hub.task_delivery("lt-rijswijk", "mdo.uitnodiging", pseudonym));
    // Withdrawn once the batch is under way: two tasks have reached the receiver.
    REQUIRE(eventually(
        [&] {
            return parse_object(http_call(hub.receiver.port(), "GET", "/stats").body)
                       ->getValue<long long>("accepted") >= 2;
        },
        30));
    const auto withdrawn = hub.svc().request("POST", "/v1/privacy/consents/" + consent + "/withdraw", "", hub.officer);
    REQUIRE(withdrawn.status == 200);
    const auto withdrawn_at_us = parse_object(withdrawn.body)->getValue<std::int64_t>("withdrawn_at_us");

    int delivered = 0;
    int blocked = 0;
    CHECK(eventually(
        [&] {
            delivered = blocked = 0;
            for (const std::string& id : deliveries) {
                const std::string state = hub.delivery(id)->getValue<std::string>("state");
                delivered += state == "delivered" ? 1 : 0;
                blocked += state == "blocked" ? 1 : 0;
            }
            return delivered + blocked == 12;
        },
        30));
    CHECK(delivered >= 2);
    CHECK(blocked >= 1);
    // Sent after the withdrawal: at most the sends that start within a second of the batch's
    // check (400 ms each), not the rest of the batch.
    long long sent_after = 0;
    auto sql = hub.store.session();
    *sql << "SELECT COUNT(*) FROM delivery_attempts a JOIN deliveries d ON d.delivery_id = a.delivery_id "
            "WHERE d.recipient_id = 'lt-rijswijk' AND a.outcome = 'delivered' AND a.started_at_us > :at",
        soci::use(static_cast<long long>(withdrawn_at_us)), soci::into(sent_after);
    INFO("delivered " << delivered << ", blocked " << blocked << ", sent after the withdrawal " << sent_after);
    CHECK(sent_after <= 4);
    for (const std::string& id : deliveries) {
        const auto d = hub.delivery(id);
        if (d->getValue<std::string>("state") == "blocked")
            CHECK(d->getValue<std::string>("last_error") == "blocked: consent_withdrawn");
    }
}

SCENARIO("a retried dead letter is checked against the policy of the moment it is retried", "[privacy][delivery]") {
    PrivacyHub hub(
        register_yaml() + "agreements:\n" +
            leerplicht_agreement(1, "2020-01-01", "recipient_pseudonym, task_type, due_date, absence_summary"),
        true);
    const std::string pseudonym = "kp1:1:abcdefghijklmnopqrstuvwxyz234567";
    http_call(hub.receiver.port(), "POST", "/control", R"({"always":true,"status":503})");
    const std::string id = hub.task_delivery("gm0603-leerplicht", "leerplicht.verzuimmelding", pseudonym);
    REQUIRE(hub.reaches(id, "dead"));
    http_call(hub.receiver.port(), "POST", "/control", R"({"always":false})");

    WHEN("the agreement is revoked, then the dead letter is retried") {
        const auto revoked =
            hub.svc().request("POST", "/v1/privacy/agreements/leerplicht-rijswijk/revoke",
                              R"({"valid_from":")" + dutch_day(0, hub.svc().clock_now()) + R"("})", hub.officer);
        INFO(revoked.body);
        REQUIRE(revoked.status == 201);
        CHECK(parse_object(revoked.body)->getValue<int>("version") == 2);
        REQUIRE(hub.svc().request("POST", "/v1/deliveries/" + id + "/retry", "", hub.admin).status == 200);
        THEN("it is blocked, not sent") {
            REQUIRE(hub.reaches(id, "blocked"));
            CHECK(hub.delivery(id)->getValue<std::string>("last_error") == "blocked: agreement_not_in_force");
            CHECK(hub.received()->size() == 0);
            CHECK(hub.disclosures("")->size() == 0);
        }
    }
}

SCENARIO("agreement versions apply by date", "[privacy]") {
    // Version 1 from long ago; version 2 from ten days on no longer allows the absence summary a
    // verzuimmelding implies; version 3 from twenty days on revokes the agreement.
    const std::string in10 = dutch_day(10), in20 = dutch_day(20);
    PrivacyHub hub(
        register_yaml() + "agreements:\n" +
            leerplicht_agreement(1, "2020-01-01", "recipient_pseudonym, task_type, due_date, absence_summary") +
            leerplicht_agreement(2, in10, "recipient_pseudonym, task_type, due_date") +
            leerplicht_agreement(3, in20, "recipient_pseudonym, task_type, due_date", "    revoked: true\n"),
        true);
    const std::string pseudonym = "kp1:1:abcdefghijklmnopqrstuvwxyz234567";
    const auto listed = hub.svc().request("GET", "/v1/privacy/agreements/leerplicht-rijswijk", "", hub.officer);
    REQUIRE(listed.status == 200);
    CHECK(parse_object(listed.body)->getValue<int>("version_in_force") == 1);
    CHECK(parse_object(listed.body)->getArray("versions")->size() == 3);

    const std::string today = hub.task_delivery("gm0603-leerplicht", "leerplicht.verzuimmelding", pseudonym);
    REQUIRE(hub.reaches(today, "delivered"));
    CHECK(hub.disclosures("")->getObject(0)->getObject("agreement")->getValue<int>("version") == 1);

    auto tokens_at = [&](std::int64_t now) {
        hub.admin = admin_token_at("ib@school.example", {"admin"}, now);
        hub.officer = admin_token_at("fg@gemeente.example", {"privacy_officer"}, now);
    };
    tokens_at(hub.svc().advance_clock(11 * 24 * 3600));
    // Version 2 applies: a verzuimmelding (which implies an absence summary) may not leave, an
    // inschrijving may.
    const std::string verzuim = hub.task_delivery("gm0603-leerplicht", "leerplicht.verzuimmelding", pseudonym);
    REQUIRE(hub.reaches(verzuim, "blocked"));
    CHECK(hub.delivery(verzuim)->getValue<std::string>("last_error") == "blocked: essential_category_not_allowed");
    const std::string inschrijving = hub.task_delivery("gm0603-leerplicht", "leerplicht.inschrijving", pseudonym);
    REQUIRE(hub.reaches(inschrijving, "delivered"));
    const auto log = hub.disclosures("");
    REQUIRE(log->size() == 2);
    CHECK(log->getObject(1)->getObject("agreement")->getValue<int>("version") == 2);

    tokens_at(hub.svc().advance_clock(10 * 24 * 3600));
    const std::string revoked = hub.task_delivery("gm0603-leerplicht", "leerplicht.inschrijving", pseudonym);
    REQUIRE(hub.reaches(revoked, "blocked"));
    CHECK(hub.delivery(revoked)->getValue<std::string>("last_error") == "blocked: agreement_not_in_force");
}

SCENARIO("the subject access export lists every disclosure and every access", "[privacy]") {
    PrivacyHub hub(
        register_yaml() + "agreements:\n" +
        leerplicht_agreement(1, "2020-01-01",
                             "recipient_pseudonym, task_type, due_date, school, event_date, absence_summary"));
    const std::string pupil = hub.enrolled_rijswijk_pupil(805);
    const std::string pseudonym = hub.pseudonym_of(pupil);
    const std::string first = hub.delivery_of("gm0603-leerplicht", "leerplicht.inschrijving");
    const std::string second = hub.task_delivery("gm0603-leerplicht", "leerplicht.verzuimmelding", pseudonym);
    REQUIRE(hub.reaches(first, "delivered"));
    REQUIRE(hub.reaches(second, "delivered"));
    // Two reads by people, one of them with a name that is not safe in HTML.
    const std::string nosy = admin_token("<script>alert(1)</script>@x", {"admin"});
    REQUIRE(hub.svc().request("GET", "/v1/pupils/" + pupil, "", hub.admin).status == 200);
    REQUIRE(hub.svc().request("GET", "/v1/pupils/" + pupil, "", nosy).status == 200);

    const auto export_json = hub.svc().request("GET", "/v1/privacy/subjects/" + pupil + "/access", "", hub.officer);
    INFO(export_json.body);
    REQUIRE(export_json.status == 200);
    const auto report = parse_object(export_json.body);
    CHECK(report->getObject("subject")->getValue<std::string>("kind") == "pupil");
    const auto disclosures = report->getArray("disclosures");
    REQUIRE(disclosures->size() == 2);
    std::vector<std::string> delivered{disclosures->getObject(0)->getValue<std::string>("delivery_id"),
                                       disclosures->getObject(1)->getValue<std::string>("delivery_id")};
    std::sort(delivered.begin(), delivered.end());
    std::vector<std::string> expected{first, second};
    std::sort(expected.begin(), expected.end());
    CHECK(delivered == expected);
    // Every access naming the pupil: both reads and the disclosure log read, each with who.
    const auto accesses = report->getArray("accesses");
    int reads = 0;
    for (std::size_t i = 0; i < accesses->size(); ++i) {
        const auto a = accesses->getObject(static_cast<unsigned>(i));
        if (a->getValue<std::string>("route") == "/v1/pupils/{pupilId}") ++reads;
    }
    CHECK(reads == 2);
    const auto held = report->getObject("held");
    CHECK(held->getArray("records")->size() == 1);
    CHECK(held->getArray("signals")->size() >= 1);
    CHECK(held->getArray("tasks")->size() == 2);
    CHECK(export_json.body.find(simulators::synthetic_bsn(805)) == std::string::npos);

    THEN("the page a privacy officer hands over is Dutch and escapes everything") {
        const auto page =
            hub.svc().request("GET", "/v1/privacy/subjects/" + pupil + "/access?format=html", "", hub.officer);
        REQUIRE(page.status == 200);
        CHECK(page.content_type.starts_with("text/html"));
        CHECK(page.body.find("Inzage persoonsgegevens") != std::string::npos);
        CHECK(page.body.find("Verstrekkingen") != std::string::npos);
        CHECK(page.body.find("<script>") == std::string::npos);
        CHECK(page.body.find("&lt;script&gt;alert(1)&lt;/script&gt;@x") != std::string::npos);
        CHECK(page.body.find("leerplicht.inschrijving") != std::string::npos);
    }
    THEN("only a privacy officer may export") {
        CHECK(hub.svc().request("GET", "/v1/privacy/subjects/" + pupil + "/access", "", hub.admin).status == 403);
        CHECK(hub.svc()
                  .request("GET", "/v1/privacy/subjects/" + pupil + "/access", "", admin_token("a@x", {"auditor"}))
                  .status == 403);
    }
}

SCENARIO("consent given and withdrawn by signal from the school's system", "[privacy][ingest]") {
    PrivacyHub hub(register_yaml() + "agreements:\n" + consent_agreement());
    const std::string pupil = hub.enrolled_rijswijk_pupil(806);
    const std::string pseudonym = hub.pseudonym_of(pupil);
    const std::string subject = bsn_subject(simulators::synthetic_bsn(806));
    auto consent_signal = [&](const std::string& type, const std::string& data) {
        return R"({"type":")" + type + R"(","occurred_at":")" + dutch_day(0) + R"(T09:00:00Z","subject":)" + subject +
               R"(,"data":)" + data + "}";
    };
    const std::string given =
        R"({"reference":"toestemming-17","purpose":"jeugdhulp-afstemming","recipient_kind":"local_team",)"
        R"("categories":["recipient_pseudonym","task_type","due_date"],"valid_from":"2020-01-01",)"
        R"("given_by":["parent","young_person"],"age_band":"12_to_15"})";

    WHEN("the young person of 12 to 15 alone consents to youth care") {
        integration::WebhookSender sender({hub.svc().signals_url("school-a"), std::nullopt, std::chrono::seconds(10)});
        const auto r =
            sender.post("msg_priv_alone", Poco::Timestamp().epochTime(),
                        consent_signal("consent.given", R"({"reference":"t-2","purpose":"jeugdhulp-afstemming",)"
                                                        R"("categories":["task_type"],"valid_from":"2020-01-01",)"
                                                        R"("given_by":["young_person"],"age_band":"12_to_15"})"),
                        school_a().secret_bytes());
        THEN("the signal is refused, with where and why") {
            CHECK(r.status == 422);
            CHECK(r.body.find("/data/given_by") != std::string::npos);
        }
    }
    WHEN("the school's system sends the consent") {
        hub.accept(school_a(), consent_signal("consent.given", given));
        Poco::JSON::Array::Ptr consents;
        REQUIRE(eventually(
            [&] {
                const auto answer = hub.svc().request("GET", "/v1/privacy/consents?pupil=" + pupil, "", hub.officer);
                consents = parse_object(answer.body)->getArray("consents");
                return consents && consents->size() == 1;
            },
            20));
        CHECK(consents->getObject(0)->getValue<std::string>("recorded_by") == "signal:school-a");
        const std::string first = hub.task_delivery("lt-rijswijk", "mdo.uitnodiging", pseudonym);
        REQUIRE(hub.reaches(first, "delivered"));

        AND_WHEN("it sends the withdrawal under the same reference") {
            hub.accept(school_a(), consent_signal("consent.withdrawn", R"({"reference":"toestemming-17"})"));
            REQUIRE(eventually(
                [&] {
                    const auto answer =
                        hub.svc().request("GET", "/v1/privacy/consents?pupil=" + pupil, "", hub.officer);
                    return parse_object(answer.body)->getArray("consents")->getObject(0)->has("withdrawn_at_us");
                },
                20));
            THEN("the next consent-based disclosure is blocked") {
                const std::string next = hub.task_delivery("lt-rijswijk", "mdo.uitnodiging", pseudonym);
                REQUIRE(hub.reaches(next, "blocked"));
                CHECK(hub.delivery(next)->getValue<std::string>("last_error") == "blocked: consent_withdrawn");
            }
        }
    }
}
