// Enrolment sync through the real service, on SQLite and PostgreSQL: in- and uitschrijvingen from a
// school become notifications for the leerplicht office of the pupil's woongemeente, a pupil
// de-enrolled without a new school becomes an absoluut-verzuim task that a later enrolment closes,
// a transfer PO → VO across municipalities raises nothing, and a move tells the school the new
// woongemeente. Every notification leaves through the outbox to the recipient's webhook.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <sstream>

#include "delivery_fixture.hpp"
#include "eenplan/core/encoding.hpp"
#include "eenplan/core/polymorphic.hpp"
#include "eenplan/core/routeboek/calendar.hpp"
#include "eenplan/core/standard_webhooks.hpp"
#include "record_fixture.hpp"
#include "support/dutch_days.hpp"
#include "support/files.hpp"

using namespace eenplan;
using namespace eenplan::testing;

namespace {

// The municipality of Rijswijk, which may reconcile its register of children with the hub.
const TestSource& rijswijk() {
    static const TestSource source{
        "gemeente-rijswijk", {"whsec_Z2VtZWVudGUtcmlqc3dpamstcmVnaXN0ZXItdGVzdA=="}, "GM0603"};
    return source;
}

std::string pp_entry(const std::string& public_key_hex, const std::string& bsn) {
    auto key = PolymorphicPublicKey::from_bytes(hex_decode(public_key_hex).value(), "").value();
    return encrypt_at_source(key, PersonNumber::parse(PersonNumberKind::bsn, bsn, "").value()).to_string();
}

std::string started(const std::string& subject, const std::string& brin, const std::string& gemeente,
                    const std::string& sector, int days_ago) {
    return R"({"type":"enrolment.started","occurred_at":")" + day_offset(0) + R"(T08:00:00Z","subject":)" + subject +
           R"(,"school":{"brin":")" + brin + R"(","gemeentecode":")" + gemeente + R"("},"data":{"start_date":")" +
           day_offset(-days_ago) + R"(","sector":")" + sector + R"("}})";
}

std::string ended(const std::string& subject, const std::string& brin, const std::string& gemeente,
                  const std::string& reason, int days_ago) {
    return R"({"type":"enrolment.ended","occurred_at":")" + day_offset(0) + R"(T08:00:00Z","subject":)" + subject +
           R"(,"school":{"brin":")" + brin + R"(","gemeentecode":")" + gemeente + R"("},"data":{"end_date":")" +
           day_offset(-days_ago) + R"(","reason":")" + reason + R"("}})";
}

// A hub with the Haaglanden routeboek and school calendar, a school and a municipality as sources,
// and as webhook recipients (all on one receiver) two schools and the leerplicht offices of Den
// Haag, Rijswijk and Leidschendam-Voorburg.
struct RegistrationHub {
    TempDir dir;
    TestStore store{dir.path()};
    SimulatorProcess receiver{EENPLAN_WEBHOOK_RECEIVER, {"--secret", receiver_secret}};
    SimulatorProcess zgw{EENPLAN_ZGW_SIM, {"--secret", zgw_secret, "--client-id", "eenplan"}};
    ServiceProcess service{store, dir.path(), options()};
    std::string admin = admin_token("leerplicht@gemeente.example", {"admin"});
    int sent = 0;

    ServiceOptions options() const {
        ServiceOptions o;
        o.sources = {school_a(), municipality(), rijswijk()};
        o.polymorphic = true;
        const std::string hook = "http://127.0.0.1:" + std::to_string(receiver.port()) + "/eenplan/tasks";
        auto webhook = [&](const std::string& id, const std::string& name) {
            return "  - id: " + id + "\n    name: " + name + "\n    connector: webhook\n    url: " + hook +
                   "\n    secret: \"" + receiver_secret + "\"\n    timeout_ms: 2000\n";
        };
        // Rijswijk's leerplicht office takes its notifications as zaken in its Zaken API.
        const std::string api = "http://127.0.0.1:" + std::to_string(zgw.port());
        const std::string rijswijk_zaken =
            "  - id: gm0603-leerplicht\n    name: Gemeente Rijswijk, leerplicht\n    connector: zgw\n    url: " + api +
            "/zaken/api/v1\n    timeout_ms: 2000\n    retry: {schedule_seconds: [1, 1, 1], max_age_seconds: 120}\n"
            "    zgw:\n      client_id: eenplan\n      secret: " +
            std::string(zgw_secret) +
            "\n"
            "      zaaktype: " +
            api +
            "/catalogi/api/v1/zaaktypen/0d4b9c52-4d13-4b8e-9d73-0ea1ea1f6a11\n"
            "      statustype: " +
            api +
            "/catalogi/api/v1/statustypen/7f2c3b0e-0d7a-4a57-a1b4-5b6c6f0a3f52\n"
            "      bronorganisatie: \"002220647\"\n      verantwoordelijke_organisatie: \"001234565\"\n";
        o.extra_config = "routeboek: " + shipped_routeboek_path() + "\n" +
                         "school_calendar: " + source_file("deploy/config/schoolvakanties-2026-2028.yaml").string() +
                         "\ndelivery:\n  dispatcher_threads: 2\n  poll_interval_ms: 50\n"
                         "recipients:\n" +
                         webhook("school-12ab", "OBS De Regenboog") + webhook("school-56ef", "Da Vinci College") +
                         webhook("gm0518-leerplicht", "Gemeente Den Haag, leerplicht") + rijswijk_zaken +
                         webhook("gm1916-leerplicht", "Gemeente Leidschendam-Voorburg, leerplicht");
        return o;
    }

    std::string accept(const TestSource& source, const std::string& body) {
        integration::WebhookSender sender({service.signals_url(source.id), std::nullopt, std::chrono::seconds(10)});
        const auto r = sender.post("msg_reg_" + std::to_string(++sent), Poco::Timestamp().epochTime(), body,
                                   source.secret_bytes());
        INFO(r.body);
        REQUIRE(r.status == 202);
        return parse_object(r.body)->getValue<std::string>("signal_id");
    }

    // Waits until the plan worker has applied the signal.
    void planned(const std::string& signal_id) {
        REQUIRE(eventually(
            [&] {
                auto sql = store.session();
                long long at = 0;
                soci::indicator ind = soci::i_null;
                *sql << "SELECT planned_at_us FROM signals WHERE signal_id = :s", soci::use(signal_id),
                    soci::into(at, ind);
                return ind == soci::i_ok;
            },
            20));
    }

    // The family plan of the pupil a signal landed on.
    Poco::JSON::Object::Ptr plan_of(const std::string& signal_id) {
        planned(signal_id);
        auto sql = store.session();
        std::string pupil, family;
        *sql << "SELECT pupil_id FROM signal_links WHERE signal_id = :s", soci::use(signal_id), soci::into(pupil);
        soci::indicator ind = soci::i_null;
        *sql << "SELECT family_id FROM pupils WHERE pupil_id = :p", soci::use(pupil), soci::into(family, ind);
        if (ind != soci::i_ok) family = "pupil-" + pupil;
        const auto answer = service.request("GET", "/v1/plans/" + family, "", admin);
        INFO(answer.body);
        REQUIRE(answer.status == 200);
        return parse_object(answer.body);
    }

    int tasks(const std::string& recipient, const std::string& type) {
        auto sql = store.session();
        int n = 0;
        *sql << "SELECT COUNT(*) FROM tasks WHERE recipient_id = :r AND type = :t", soci::use(recipient),
            soci::use(type), soci::into(n);
        return n;
    }

    // The payload of the one delivery of a task of this type to this recipient.
    Poco::JSON::Object::Ptr payload(const std::string& recipient, const std::string& type) {
        auto sql = store.session();
        std::string body;
        *sql << "SELECT d.payload FROM deliveries d JOIN tasks t ON t.task_id = d.task_id "
                "WHERE t.recipient_id = :r AND t.type = :t",
            soci::use(recipient), soci::use(type), soci::into(body);
        INFO(recipient << " " << type);
        REQUIRE(sql->got_data());
        return parse_object(body);
    }

    // One part of a register, signed by `source`.
    integration::WebhookResponse reconcile(const TestSource& source, const std::vector<std::string>& children,
                                           int part = 1, int parts = 1) {
        std::string list;
        for (const std::string& c : children) list += (list.empty() ? "\"" : ",\"") + c + "\"";
        const std::string body = R"({"run_id":"run-1","part":)" + std::to_string(part) + R"(,"parts":)" +
                                 std::to_string(parts) + R"(,"children":[)" + list + "]}";
        integration::WebhookSender sender({service.base_url() + "/v1/sources/" + source.id + "/reconciliations",
                                           std::nullopt, std::chrono::seconds(30)});
        return sender.post("msg_rec_" + std::to_string(++sent), Poco::Timestamp().epochTime(), body,
                           source.secret_bytes());
    }

    // The run API: every request signed by `source` (a GET signs the empty body).
    HttpAnswer run_call(const TestSource& source, const std::string& method, const std::string& path,
                        const std::string& body) {
        const std::string id = "msg_run_" + std::to_string(++sent);
        const std::int64_t now = Poco::Timestamp().epochTime();
        const Bytes secret = source.secret_bytes();
        return http_call(service.port(), method, "/v1/sources/" + source.id + "/reconciliation-runs" + path, body,
                         {{"webhook-id", id},
                          {"webhook-timestamp", std::to_string(now)},
                          {"webhook-signature", webhooks::sign(secret, id, now, body)},
                          {"Content-Type", "application/json"}});
    }
    static std::string children_json(const std::vector<std::string>& children) {
        std::string list;
        for (const std::string& c : children) list += (list.empty() ? "\"" : ",\"") + c + "\"";
        return R"({"children":[)" + list + "]}";
    }

    // The zaken at Rijswijk's Zaken API.
    Poco::JSON::Object::Ptr zaken() const {
        return parse_object(
            http_call(zgw.port(), "GET", "/zaken/api/v1/zaken", "",
                      {{"Authorization",
                        "Bearer " + integration::zgw_token("eenplan", zgw_secret, Poco::Timestamp().epochTime())}})
                .body);
    }

    int delivered() {
        return parse_object(http_call(receiver.port(), "GET", "/stats").body)->getValue<int>("accepted");
    }

    static bool has_action(const Poco::JSON::Object::Ptr& plan, const std::string& type) {
        const auto actions = plan->getArray("actions");
        for (std::size_t i = 0; i < actions->size(); ++i) {
            if (actions->getObject(static_cast<unsigned>(i))->getValue<std::string>("type") == type) return true;
        }
        return false;
    }
};

std::string text_of(const Poco::JSON::Array::Ptr& array) {
    std::ostringstream out;
    array->stringify(out);
    return out.str();
}

}  // namespace

SCENARIO("a Rijswijk pupil's enrolment at a Den Haag school is told to Rijswijk only; a move is told to the school",
         "[registration]") {
    RegistrationHub hub;
    const std::string bsn = simulators::synthetic_bsn(601);
    hub.accept(municipality(), household({{"child", bsn_subject(bsn)}}, "GM0603", day_offset(-400)));
    hub.planned(hub.accept(school_a(), started(bsn_subject(bsn), "12AB", "GM0518", "po", 3)));

    CHECK(hub.tasks("gm0603-leerplicht", "leerplicht.inschrijving") == 1);
    CHECK(hub.tasks("gm0518-leerplicht", "leerplicht.inschrijving") == 0);
    auto sql = hub.store.session();
    int for_den_haag = -1;
    *sql << "SELECT COUNT(*) FROM tasks WHERE recipient_id = 'gm0518-leerplicht'", soci::into(for_den_haag);
    CHECK(for_den_haag == 0);

    // Minimal data: Rijswijk's own pseudonym of the pupil, the BRIN, the date and the sector code.
    const auto notice = hub.payload("gm0603-leerplicht", "leerplicht.inschrijving");
    CHECK(notice->getValue<std::string>("school_brin") == "12AB");
    CHECK(notice->getValue<std::string>("date") == day_offset(-3));
    CHECK(notice->getValue<std::string>("reason_code") == "po");
    CHECK(notice->getValue<std::string>("subject").starts_with("kp1:"));
    std::string hub_pseudonym;
    *sql << "SELECT pseudonym FROM pupil_identifiers", soci::into(hub_pseudonym);
    CHECK(notice->getValue<std::string>("subject") != hub_pseudonym);
    std::ostringstream text;
    notice->stringify(text);
    CHECK(text.str().find(bsn) == std::string::npos);
    // Delivered as a zaak at Rijswijk, the facts as kenmerken.
    REQUIRE(eventually([&] { return hub.zaken()->getValue<int>("count") == 1; }, 30));
    std::ostringstream zaak;
    hub.zaken()->getArray("results")->getObject(0)->getArray("kenmerken")->stringify(zaak);
    INFO(zaak.str());
    CHECK(zaak.str().find(R"("eenplan:brin")") != std::string::npos);
    CHECK(zaak.str().find(R"("12AB")") != std::string::npos);
    CHECK(zaak.str().find(R"("eenplan:reden")") != std::string::npos);
    CHECK(zaak.str().find(bsn) == std::string::npos);

    WHEN("the pupil moves to Leidschendam-Voorburg") {
        hub.planned(hub.accept(municipality(), moved(bsn_subject(bsn), "GM1916", day_offset(0))));
        THEN("the school is told the new woongemeente, not the address, and nobody else is") {
            REQUIRE(hub.tasks("school-12ab", "school.woongemeente_gewijzigd") == 1);
            const auto told = hub.payload("school-12ab", "school.woongemeente_gewijzigd");
            CHECK(told->getValue<std::string>("woongemeente") == "GM1916");
            CHECK(told->getValue<std::string>("school_brin") == "12AB");
            // type, task_id, subject, due_date, reference, correlation_id, and the facts: BRIN, date, woongemeente
            CHECK(told->size() == 9);
            CHECK(hub.tasks("gm1916-leerplicht", "leerplicht.inschrijving") == 0);
            REQUIRE(eventually([&] { return hub.delivered() >= 1; }, 30));
        }
    }
}

SCENARIO("a pupil de-enrolled without a new school: absoluut verzuim after the window, closed by a later enrolment",
         "[registration]") {
    RegistrationHub hub;
    const std::string bsn = simulators::synthetic_bsn(602);
    const std::string sibling = simulators::synthetic_bsn(603);
    hub.accept(municipality(),
               household({{"child", bsn_subject(bsn)}, {"child", bsn_subject(sibling)}}, "GM0518", day_offset(-400)));
    hub.accept(school_a(), started(bsn_subject(bsn), "12AB", "GM0518", "po", 200));

    GIVEN("an uitschrijving long enough ago that ten school days have passed, holidays or not") {
        const std::string uit = hub.accept(school_a(), ended(bsn_subject(bsn), "12AB", "GM0518", "overig", 70));
        const auto plan = hub.plan_of(uit);
        THEN("the leerplicht office of the woongemeente has the absoluut-verzuim task, with only coded facts") {
            INFO(text_of(plan->getArray("timeline")));
            CHECK(RegistrationHub::has_action(plan, "leerplicht.absoluut_verzuim"));
            CHECK(hub.tasks("gm0518-leerplicht", "leerplicht.uitschrijving") == 1);
            REQUIRE(hub.tasks("gm0518-leerplicht", "leerplicht.absoluut_verzuim") == 1);
            const auto task = hub.payload("gm0518-leerplicht", "leerplicht.absoluut_verzuim");
            CHECK(task->getValue<std::string>("school_brin") == "12AB");
            CHECK(task->getValue<std::string>("date") == day_offset(-70));
            CHECK(task->getValue<std::string>("reason_code") == "overig");
        }
        AND_WHEN("the sibling is de-enrolled today: the window is still open") {
            const std::string today =
                hub.accept(school_a(), ended(bsn_subject(sibling), "12AB", "GM0518", "overig", 0));
            const auto watched = hub.plan_of(today);
            THEN("no second task, but the plan watches the sibling and is checked again tomorrow") {
                CHECK(hub.tasks("gm0518-leerplicht", "leerplicht.absoluut_verzuim") == 1);
                auto sql = hub.store.session();
                const std::string family = watched->getValue<std::string>("family_id");
                std::string next;
                *sql << "SELECT next_check FROM plans WHERE family_id = :f", soci::use(family), soci::into(next);
                CHECK(next == day_offset(1));
            }
        }
        AND_WHEN("another school enrols the pupil") {
            const std::string in = hub.accept(school_a(), started(bsn_subject(bsn), "34CD", "GM0518", "po", 0));
            const auto after = hub.plan_of(in);
            THEN("the task is closed") {
                CHECK_FALSE(RegistrationHub::has_action(after, "leerplicht.absoluut_verzuim"));
                auto sql = hub.store.session();
                int closed = 0;
                *sql << "SELECT COUNT(*) FROM plan_decisions WHERE rule = 'haaglanden-po/registration/enrolled_again' "
                        "AND kind = 'close_task'",
                    soci::into(closed);
                CHECK(closed == 1);
            }
        }
    }
}

SCENARIO("a transfer from PO to VO across municipalities raises nothing and tells both woongemeenten",
         "[registration]") {
    RegistrationHub hub;
    const std::string bsn = simulators::synthetic_bsn(604);
    hub.accept(municipality(), household({{"child", bsn_subject(bsn)}}, "GM0518", day_offset(-400)));
    hub.planned(hub.accept(school_a(), started(bsn_subject(bsn), "12AB", "GM0518", "po", 300)));
    // The PO school de-enrols (groep 8 done), the family moves to Rijswijk, a VO school there enrols.
    hub.planned(hub.accept(school_a(), ended(bsn_subject(bsn), "12AB", "GM0518", "schoolwissel", 2)));
    hub.planned(hub.accept(municipality(), moved(bsn_subject(bsn), "GM0603", day_offset(-1))));
    const std::string vo = hub.accept(school_a(), started(bsn_subject(bsn), "56EF", "GM0603", "vo", 0));
    const auto plan = hub.plan_of(vo);

    CHECK(plan->getValue<std::string>("woongemeente") == "GM0603");
    CHECK(hub.tasks("gm0518-leerplicht", "leerplicht.inschrijving") == 1);   // the PO enrolment
    CHECK(hub.tasks("gm0518-leerplicht", "leerplicht.uitschrijving") == 1);  // Den Haag, where the pupil lived then
    CHECK(hub.tasks("gm0603-leerplicht", "leerplicht.inschrijving") == 1);   // Rijswijk, where the pupil lives now
    CHECK(hub.tasks("gm0603-leerplicht", "leerplicht.uitschrijving") == 0);
    CHECK(hub.payload("gm0603-leerplicht", "leerplicht.inschrijving")->getValue<std::string>("reason_code") == "vo");
    CHECK(hub.payload("gm0603-leerplicht", "leerplicht.inschrijving")->getValue<std::string>("school_brin") == "56EF");
    auto sql = hub.store.session();
    int alarms = -1;
    *sql << "SELECT COUNT(*) FROM tasks WHERE type = 'leerplicht.absoluut_verzuim'", soci::into(alarms);
    CHECK(alarms == 0);
    CHECK_FALSE(RegistrationHub::has_action(plan, "leerplicht.absoluut_verzuim"));
    CHECK(text_of(plan->getArray("timeline")).find("registration/transfer") != std::string::npos);
    REQUIRE(eventually([&] { return hub.delivered() >= 2; }, 30));                      // Den Haag's two
    REQUIRE(eventually([&] { return hub.zaken()->getValue<int>("count") == 1; }, 30));  // Rijswijk's one
}

SCENARIO("an inschrijving reported after the family moved is told to the woongemeente of its start date",
         "[registration]") {
    RegistrationHub hub;
    const std::string bsn = simulators::synthetic_bsn(605);
    hub.accept(municipality(), household({{"child", bsn_subject(bsn)}}, "GM0518", day_offset(-400)));
    // The family moved from Den Haag to Rijswijk ten days ago; the Den Haag school reports late an
    // inschrijving that started twenty days ago, and one at a Rijswijk school that started today.
    hub.planned(hub.accept(municipality(), moved(bsn_subject(bsn), "GM0603", day_offset(-10))));
    const auto plan = hub.plan_of(hub.accept(school_a(), started(bsn_subject(bsn), "12AB", "GM0518", "po", 20)));
    CHECK(plan->getValue<std::string>("woongemeente") == "GM0603");
    CHECK(hub.tasks("gm0518-leerplicht", "leerplicht.inschrijving") == 1);  // where the pupil lived then
    CHECK(hub.tasks("gm0603-leerplicht", "leerplicht.inschrijving") == 0);
    hub.planned(hub.accept(school_a(), started(bsn_subject(bsn), "56EF", "GM0603", "po", 0)));
    CHECK(hub.tasks("gm0603-leerplicht", "leerplicht.inschrijving") == 1);  // where the pupil lives now
    CHECK(hub.tasks("gm0518-leerplicht", "leerplicht.inschrijving") == 1);
}

SCENARIO("a de-enrolled child the municipality's birth year puts outside compulsory schooling raises no task",
         "[registration]") {
    RegistrationHub hub;
    const std::string adult = simulators::synthetic_bsn(606);  // born 2006: kwalificatieplicht over by 2025
    const std::string pupil = simulators::synthetic_bsn(607);  // born 2015: leerplichtig
    hub.accept(municipality(),
               household({{"child", bsn_subject(adult)}, {"child", bsn_subject(pupil)}}, "GM0518", day_offset(-400)));
    const auto with_birth_year = [&](const std::string& bsn, int year) {
        return R"({"type":"person.moved","occurred_at":")" + day_offset(-300) + R"(T09:00:00Z","subject":)" +
               bsn_subject(bsn) + R"(,"data":{"gemeentecode":"GM0518","date":")" + day_offset(-300) +
               R"(","birth_year":)" + std::to_string(year) + "}}";
    };
    for (const auto& [bsn, year] : {std::pair{adult, 2006}, std::pair{pupil, 2015}}) {
        hub.planned(hub.accept(school_a(), started(bsn_subject(bsn), "12AB", "GM0518", "vo", 200)));
        hub.planned(hub.accept(municipality(), with_birth_year(bsn, year)));
    }
    hub.planned(hub.accept(school_a(), ended(bsn_subject(adult), "12AB", "GM0518", "overig", 70)));
    const auto plan = hub.plan_of(hub.accept(school_a(), ended(bsn_subject(pupil), "12AB", "GM0518", "overig", 70)));
    INFO(text_of(plan->getArray("timeline")));
    THEN("only the child of school age gets the absoluut-verzuim task; the timeline says why the other does not") {
        CHECK(hub.tasks("gm0518-leerplicht", "leerplicht.uitschrijving") == 2);
        CHECK(hub.tasks("gm0518-leerplicht", "leerplicht.absoluut_verzuim") == 1);
        CHECK(text_of(plan->getArray("timeline")).find("registration/school_age") != std::string::npos);
    }
    THEN("a birth year out of range is refused by the schema") {
        integration::WebhookSender sender(
            {hub.service.signals_url(municipality().id), std::nullopt, std::chrono::seconds(10)});
        const auto r = sender.post("msg_reg_bad_year", Poco::Timestamp().epochTime(), with_birth_year(adult, 1850),
                                   municipality().secret_bytes());
        CHECK(r.status == 422);
        const auto full_date =
            sender.post("msg_reg_bad_date", Poco::Timestamp().epochTime(),
                        R"({"type":"person.moved","occurred_at":")" + day_offset(0) + R"(T09:00:00Z","subject":)" +
                            bsn_subject(adult) + R"(,"data":{"gemeentecode":"GM0518","date":")" + day_offset(0) +
                            R"(","birth_year":"2006-05-04"}})",
                        municipality().secret_bytes());
        CHECK(full_date.status == 422);
    }
}

SCENARIO(
    "a municipality reconciles its register: exactly its listed children without an enrolment, in its own "
    "pseudonyms, and the list is not kept",
    "[registration][privacy]") {
    RegistrationHub hub;
    const std::string enrolled = simulators::synthetic_bsn(611);   // lives in Rijswijk, at school
    const std::string without = simulators::synthetic_bsn(612);    // lives in Rijswijk, de-enrolled, no school
    const std::string stranger = simulators::synthetic_bsn(613);   // lives in Rijswijk, never seen by the hub
    const std::string elsewhere = simulators::synthetic_bsn(614);  // not on the list: lives in Den Haag, no school
    hub.accept(municipality(), household({{"child", bsn_subject(enrolled)}}, "GM0603", day_offset(-400)));
    hub.accept(municipality(), household({{"child", bsn_subject(without)}}, "GM0603", day_offset(-400)));
    hub.accept(municipality(), household({{"child", bsn_subject(elsewhere)}}, "GM0518", day_offset(-400)));
    hub.planned(hub.accept(school_a(), started(bsn_subject(enrolled), "12AB", "GM0518", "po", 100)));
    hub.planned(hub.accept(school_a(), started(bsn_subject(without), "12AB", "GM0518", "po", 100)));
    hub.planned(hub.accept(school_a(), ended(bsn_subject(without), "12AB", "GM0518", "overig", 40)));
    hub.planned(hub.accept(school_a(), ended(bsn_subject(elsewhere), "12AB", "GM0518", "overig", 40)));

    const std::string key = hub.service.polymorphic_public_key();
    const std::vector<std::string> list{pp_entry(key, enrolled), pp_entry(key, without), pp_entry(key, stranger),
                                        pp_entry(key, enrolled) /* listed twice */, "kp1:9:not-a-pseudonym"};
    auto sql = hub.store.session();
    int pupils_before = 0;
    *sql << "SELECT COUNT(*) FROM pupils", soci::into(pupils_before);

    const auto answer = hub.reconcile(rijswijk(), list, 2, 3);
    INFO(answer.body);
    REQUIRE(answer.status == 200);
    const auto result = parse_object(answer.body);
    CHECK(result->getValue<std::string>("gemeentecode") == "GM0603");
    CHECK(result->getValue<int>("part") == 2);
    CHECK(result->getValue<int>("parts") == 3);
    const auto counts = result->getObject("counts");
    CHECK(counts->getValue<int>("listed") == 5);
    CHECK(counts->getValue<int>("enrolled") == 1);
    CHECK(counts->getValue<int>("known_not_enrolled") == 1);
    CHECK(counts->getValue<int>("unknown") == 1);
    CHECK(counts->getValue<int>("without_enrolment") == 2);
    CHECK(counts->getValue<int>("duplicates") == 1);
    CHECK(counts->getValue<int>("unreadable") == 1);
    CHECK(result->getValue<std::string>("digest").size() == 64);

    THEN("the answer names the de-enrolled child and the stranger in Rijswijk's own pseudonyms, nobody else") {
        const auto names = result->getArray("without_enrolment");
        REQUIRE(names->size() == 2);
        std::vector<std::string> answered;
        for (std::size_t i = 0; i < names->size(); ++i)
            answered.push_back(names->getElement<std::string>(static_cast<unsigned>(i)));
        // Rijswijk's pseudonym of the de-enrolled child is the one its leerplicht office got with the uitschrijving.
        const std::string rijswijk_name =
            hub.payload("gm0603-leerplicht", "leerplicht.absoluut_verzuim")->getValue<std::string>("subject");
        CHECK(std::count(answered.begin(), answered.end(), rijswijk_name) == 1);
        // The enrolled child's name in Rijswijk's domain is not in the answer.
        std::string enrolled_name;
        *sql << "SELECT d.payload FROM deliveries d JOIN tasks t ON t.task_id = d.task_id "
                "WHERE t.recipient_id = 'gm0603-leerplicht' AND t.type = 'leerplicht.inschrijving' "
                "ORDER BY t.created_at_us LIMIT 1",
            soci::into(enrolled_name);
        CHECK(std::count(answered.begin(), answered.end(),
                         parse_object(enrolled_name)->getValue<std::string>("subject")) == 0);
        for (const std::string& name : answered) CHECK(name.starts_with("kp1:"));
    }
    THEN("nothing of the list is in the database afterwards") {
        int pupils_after = 0;
        *sql << "SELECT COUNT(*) FROM pupils", soci::into(pupils_after);
        CHECK(pupils_after == pupils_before);  // the stranger did not become a record
        const std::string everything = hub.store.everything_as_text();
        for (const std::string& entry : list) CHECK(everything.find(entry) == std::string::npos);
        // The stranger's pseudonym in Rijswijk's domain is nowhere either (the de-enrolled child's is,
        // in the payload of the task Rijswijk's leerplicht office received).
        const std::string known =
            hub.payload("gm0603-leerplicht", "leerplicht.absoluut_verzuim")->getValue<std::string>("subject");
        const auto names = result->getArray("without_enrolment");
        for (std::size_t i = 0; i < names->size(); ++i) {
            const std::string name = names->getElement<std::string>(static_cast<unsigned>(i));
            if (name != known) CHECK(everything.find(name) == std::string::npos);
        }
        CHECK(everything.find(result->getValue<std::string>("digest")) == std::string::npos);
        // What remains of the part is its log line: counts and the digest, no entry, no answered name.
        const std::string log = hub.service.log_text();
        CHECK(log.find("registration.reconciled") != std::string::npos);
        CHECK(log.find(result->getValue<std::string>("digest")) != std::string::npos);
        for (const std::string& entry : list) CHECK(log.find(entry) == std::string::npos);
        for (std::size_t i = 0; i < names->size(); ++i) {
            CHECK(log.find(names->getElement<std::string>(static_cast<unsigned>(i))) == std::string::npos);
        }
    }
    THEN("a source that is not a municipality's register, or a wrong signature, is refused") {
        CHECK(hub.reconcile(school_a(), {pp_entry(key, without)}).status == 403);
        const TestSource forged{"gemeente-rijswijk", {"whsec_Zm9yZ2VkLXNlY3JldC1vZi1zb21lYm9keS1lbHNlLXh4"}, "GM0603"};
        CHECK(hub.reconcile(forged, {pp_entry(key, without)}).status == 401);
        CHECK(hub.reconcile(rijswijk(), {pp_entry(key, without)}, 4, 3).status == 422);
    }
}

SCENARIO(
    "a municipality reconciles a register in a run: parts resumable, progress counted, one answer, and nothing of "
    "the list kept",
    "[registration][privacy]") {
    RegistrationHub hub;
    const std::string enrolled = simulators::synthetic_bsn(621);
    const std::string without = simulators::synthetic_bsn(622);
    const std::string stranger = simulators::synthetic_bsn(623);
    hub.accept(municipality(), household({{"child", bsn_subject(enrolled)}}, "GM0603", day_offset(-400)));
    hub.accept(municipality(), household({{"child", bsn_subject(without)}}, "GM0603", day_offset(-400)));
    hub.planned(hub.accept(school_a(), started(bsn_subject(enrolled), "12AB", "GM0518", "po", 100)));
    hub.planned(hub.accept(school_a(), started(bsn_subject(without), "12AB", "GM0518", "po", 100)));
    hub.planned(hub.accept(school_a(), ended(bsn_subject(without), "12AB", "GM0518", "overig", 40)));
    const std::string key = hub.service.polymorphic_public_key();
    const std::vector<std::string> first{pp_entry(key, enrolled), pp_entry(key, without)};
    const std::vector<std::string> second{pp_entry(key, stranger), pp_entry(key, enrolled) /* listed twice */};

    const auto created = hub.run_call(rijswijk(), "POST", "", R"({"parts":2})");
    INFO(created.body);
    REQUIRE(created.status == 201);
    const std::string run = parse_object(created.body)->getValue<std::string>("run_id");
    CHECK(parse_object(created.body)->getValue<std::string>("status") == "open");

    REQUIRE(hub.run_call(rijswijk(), "POST", "/" + run + "/parts/1", RegistrationHub::children_json(first)).status ==
            200);
    // Sent again after a lost answer: accepted as before, counted once.
    REQUIRE(hub.run_call(rijswijk(), "POST", "/" + run + "/parts/1", RegistrationHub::children_json(first)).status ==
            200);
    CHECK(hub.run_call(rijswijk(), "POST", "/" + run + "/parts/1", RegistrationHub::children_json(second)).status ==
          409);
    CHECK(hub.run_call(rijswijk(), "POST", "/" + run + "/parts/3", RegistrationHub::children_json(second)).status ==
          422);
    CHECK(hub.run_call(rijswijk(), "POST", "/" + run + "/finish", "{}").status == 409);  // part 2 missing

    const auto progress = hub.run_call(rijswijk(), "GET", "/" + run, "");
    INFO(progress.body);
    REQUIRE(progress.status == 200);
    CHECK(parse_object(progress.body)->getValue<int>("received_parts") == 1);
    CHECK(parse_object(progress.body)->getValue<int>("received_children") == 2);
    CHECK(parse_object(progress.body)->getValue<int>("processed_children") == 0);
    // Another source does not see the run.
    CHECK(hub.run_call(school_a(), "GET", "/" + run, "").status == 403);

    REQUIRE(hub.run_call(rijswijk(), "POST", "/" + run + "/parts/2", RegistrationHub::children_json(second)).status ==
            200);
    const auto finished = hub.run_call(rijswijk(), "POST", "/" + run + "/finish", "{}");
    INFO(finished.body);
    REQUIRE(finished.status == 200);
    const auto result = parse_object(finished.body);
    CHECK(result->getValue<std::string>("status") == "finished");
    const auto counts = result->getObject("counts");
    CHECK(counts->getValue<int>("listed") == 4);
    CHECK(counts->getValue<int>("enrolled") == 1);
    CHECK(counts->getValue<int>("known_not_enrolled") == 1);
    CHECK(counts->getValue<int>("unknown") == 1);
    CHECK(counts->getValue<int>("duplicates") == 1);
    const auto names = result->getArray("without_enrolment");
    REQUIRE(names->size() == 2);
    const std::string rijswijk_name =
        hub.payload("gm0603-leerplicht", "leerplicht.absoluut_verzuim")->getValue<std::string>("subject");
    CHECK((names->getElement<std::string>(0) == rijswijk_name || names->getElement<std::string>(1) == rijswijk_name));
    CHECK(result->getValue<std::string>("proof").size() == 64);

    THEN("the answer is given once; the run keeps its counts and proof and nothing of the list") {
        CHECK(hub.run_call(rijswijk(), "POST", "/" + run + "/finish", "{}").status == 410);
        CHECK(hub.run_call(rijswijk(), "POST", "/" + run + "/parts/1", RegistrationHub::children_json(first)).status ==
              410);
        const auto ended = hub.run_call(rijswijk(), "GET", "/" + run, "");
        REQUIRE(ended.status == 200);
        CHECK(parse_object(ended.body)->getValue<std::string>("proof") == result->getValue<std::string>("proof"));
        CHECK(parse_object(ended.body)->getValue<int>("processed_children") == 4);
        CHECK_FALSE(parse_object(ended.body)->has("without_enrolment"));
        auto sql = hub.store.session();
        int parts = -1;
        *sql << "SELECT COUNT(*) FROM reconciliation_parts", soci::into(parts);
        CHECK(parts == 0);
        const std::string everything = hub.store.everything_as_text();
        for (const std::string& entry : first) CHECK(everything.find(entry) == std::string::npos);
        for (const std::string& entry : second) CHECK(everything.find(entry) == std::string::npos);
        for (std::size_t i = 0; i < names->size(); ++i) {
            const std::string name = names->getElement<std::string>(static_cast<unsigned>(i));
            if (name != rijswijk_name) CHECK(everything.find(name) == std::string::npos);
        }
        CHECK(everything.find(result->getValue<std::string>("proof")) != std::string::npos);
    }
}

SCENARIO("a reconciliation run not finished in time expires, and its parts are deleted", "[registration][privacy]") {
    RegistrationHub hub;
    const std::string key = hub.service.polymorphic_public_key();
    const std::vector<std::string> list{pp_entry(key, simulators::synthetic_bsn(631))};
    const auto created = hub.run_call(rijswijk(), "POST", "", R"({"parts":2})");
    REQUIRE(created.status == 201);
    const std::string run = parse_object(created.body)->getValue<std::string>("run_id");
    REQUIRE(hub.run_call(rijswijk(), "POST", "/" + run + "/parts/1", RegistrationHub::children_json(list)).status ==
            200);
    auto sql = hub.store.session();
    int parts = 0;
    *sql << "SELECT COUNT(*) FROM reconciliation_parts", soci::into(parts);
    REQUIRE(parts == 1);
    // Past its expiry (a day): the next request about any run ends it.
    *sql << "UPDATE reconciliation_runs SET expires_at_us = 0";
    const auto ended = hub.run_call(rijswijk(), "GET", "/" + run, "");
    REQUIRE(ended.status == 200);
    CHECK(parse_object(ended.body)->getValue<std::string>("status") == "expired");
    *sql << "SELECT COUNT(*) FROM reconciliation_parts", soci::into(parts);
    CHECK(parts == 0);
    CHECK(hub.store.everything_as_text().find(list.front()) == std::string::npos);
    CHECK(hub.run_call(rijswijk(), "POST", "/" + run + "/finish", "{}").status == 410);

    THEN("a source may keep at most eight runs open at once") {
        for (int i = 0; i < 8; ++i) REQUIRE(hub.run_call(rijswijk(), "POST", "", R"({"parts":1})").status == 201);
        const auto refused = hub.run_call(rijswijk(), "POST", "", R"({"parts":1})");
        CHECK(refused.status == 409);
        CHECK(refused.body.find("run-limit") != std::string::npos);
    }
}
