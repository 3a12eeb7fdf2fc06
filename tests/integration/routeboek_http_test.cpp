// The routeboek engine in the real service, on SQLite and PostgreSQL: dated signal sequences from
// simulated schools and municipalities become one plan per family, tasks in the outbox, and
// deliveries to the simulated municipality's ZGW Zaken API and the school's webhook.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <sstream>

#include "delivery_fixture.hpp"
#include "eenplan/core/routeboek/calendar.hpp"
#include "record_fixture.hpp"
#include "support/dutch_days.hpp"
#include "support/files.hpp"
#include "support/stored_payloads.hpp"

using namespace eenplan;
using namespace eenplan::testing;

namespace {

std::string absence(const std::string& subject, const std::string& kind, int from_days_ago,
                    const std::string& brin = "12AB", const std::string& gemeente = "GM0518") {
    return R"({"type":"absence.reported","occurred_at":")" + day_offset(0) + R"(T08:00:00Z","subject":)" + subject +
           R"(,"school":{"brin":")" + brin + R"(","gemeentecode":")" + gemeente + R"("},"data":{"absence_kind":")" +
           kind + R"(","from":")" + day_offset(-from_days_ago) + R"("}})";
}

std::string mdo_held(const std::string& subject, bool escalate, const std::string& brin = "12AB") {
    return R"({"type":"mdo.held","occurred_at":")" + day_offset(0) + R"(T14:00:00Z","subject":)" + subject +
           R"(,"school":{"brin":")" + brin + R"(","gemeentecode":"GM0518"},"data":{"escalate":)" +
           (escalate ? "true" : "false") + R"(,"outcome":")" + (escalate ? "escalate" : "plan_made") +
           R"(","goals":["terug_naar_school","jeugdhulp"]}})";
}

// A hub with the Haaglanden routeboek, the sources of a school and a municipality, and three
// delivery recipients: the school (webhook), Rijswijk's and Den Haag's leerplicht (ZGW Zaken API).
struct RouteboekHub {
    // With the manual clock the service's time stands still until the test moves it.
    explicit RouteboekHub(bool manual_clock = false) : manual_clock_(manual_clock) {}

    bool manual_clock_;
    TempDir dir;
    TestStore store{dir.path()};
    SimulatorProcess receiver{EENPLAN_WEBHOOK_RECEIVER, {"--secret", receiver_secret}};
    SimulatorProcess zgw{EENPLAN_ZGW_SIM, {"--secret", zgw_secret, "--client-id", "eenplan"}};
    ServiceProcess service{store, dir.path(), options()};
    std::string admin = admin_token("ib@school.example", {"admin"});
    int sent = 0;

    ServiceOptions options() const {
        ServiceOptions o;
        o.manual_clock = manual_clock_;
        o.sources = {school_a(), municipality()};
        const std::string hook = "http://127.0.0.1:" + std::to_string(receiver.port()) + "/eenplan/tasks";
        const std::string api = "http://127.0.0.1:" + std::to_string(zgw.port());
        auto zaken = [&](const std::string& id, const std::string& name) {
            return "  - id: " + id + "\n    name: " + name + "\n    connector: zgw\n    url: " + api +
                   "/zaken/api/v1\n"
                   "    timeout_ms: 2000\n    retry: {schedule_seconds: [1, 1, 1], max_age_seconds: 120}\n"
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
        };
        // The PO routeboek, and the VO one for pupils of school 34CD.
        o.extra_config = "routeboek: " + shipped_routeboek_path() + "\n" +
                         "routeboeken: [{file: " + source_file("deploy/config/routeboek-haaglanden-vo.yaml").string() +
                         ", sector: vo}]\nschool_sectors: {34CD: vo}\n" +
                         "delivery:\n  dispatcher_threads: 2\n  poll_interval_ms: 50\n"
                         "recipients:\n"
                         "  - id: school-12ab\n    name: OBS De Regenboog\n    connector: webhook\n    url: " +
                         hook + "\n    secret: \"" + receiver_secret + "\"\n    timeout_ms: 2000\n" +
                         zaken("gm0603-leerplicht", "Gemeente Rijswijk, leerplicht") +
                         zaken("gm0518-leerplicht", "Gemeente Den Haag, leerplicht");
        return o;
    }

    std::string accept(const TestSource& source, const std::string& body) {
        integration::WebhookSender sender({service.signals_url(source.id), std::nullopt, std::chrono::seconds(10)});
        const auto r =
            sender.post("msg_rb_" + std::to_string(++sent), Poco::Timestamp().epochTime(), body, source.secret_bytes());
        INFO(r.body);
        REQUIRE(r.status == 202);
        return parse_object(r.body)->getValue<std::string>("signal_id");
    }

    // The family plan of the pupil a signal landed on, once the plan worker has applied it.
    Poco::JSON::Object::Ptr plan_after(const std::string& signal_id) {
        std::string family;
        REQUIRE(eventually(
            [&] {
                auto sql = store.session();
                long long planned = 0;
                soci::indicator ind = soci::i_null;
                *sql << "SELECT planned_at_us FROM signals WHERE signal_id = :s", soci::use(signal_id),
                    soci::into(planned, ind);
                return ind == soci::i_ok;
            },
            20));
        auto sql = store.session();
        std::string pupil;
        *sql << "SELECT pupil_id FROM signal_links WHERE signal_id = :s", soci::use(signal_id), soci::into(pupil);
        soci::indicator ind = soci::i_null;
        *sql << "SELECT family_id FROM pupils WHERE pupil_id = :p", soci::use(pupil), soci::into(family, ind);
        if (ind != soci::i_ok) family = "pupil-" + pupil;
        const auto answer = service.request("GET", "/v1/plans/" + family, "", admin);
        INFO(answer.body);
        REQUIRE(answer.status == 200);
        return parse_object(answer.body);
    }

    static const Poco::JSON::Object::Ptr action(const Poco::JSON::Object::Ptr& plan, const std::string& type) {
        const auto actions = plan->getArray("actions");
        for (std::size_t i = 0; i < actions->size(); ++i) {
            const auto a = actions->getObject(static_cast<unsigned>(i));
            if (a->getValue<std::string>("type") == type) return a;
        }
        return nullptr;
    }

    HttpAnswer zgw_get(const std::string& path) const {
        return http_call(zgw.port(), "GET", path, "",
                         {{"Authorization",
                           "Bearer " + integration::zgw_token("eenplan", zgw_secret, Poco::Timestamp().epochTime())}});
    }
};

}  // namespace

SCENARIO("a thuiszitter living in Rijswijk at a Den Haag school: the zaak goes to Rijswijk", "[routeboek][delivery]") {
    RouteboekHub hub;
    const std::string bsn = simulators::synthetic_bsn(501);
    hub.accept(municipality(), household({{"child", bsn_subject(bsn)}}, "GM0603", day_offset(-400)));
    const std::string signal = hub.accept(school_a(), absence(bsn_subject(bsn), "ongeoorloofd", 30));
    const auto plan = hub.plan_after(signal);

    CHECK(plan->getValue<std::string>("woongemeente") == "GM0603");
    CHECK(plan->getObject("escalation")->getValue<std::string>("stage") == "mdo");
    CHECK(plan->getObject("escalation")->getValue<std::string>("first_worrying_absence") == day_offset(-30));
    REQUIRE(RouteboekHub::action(plan, "school.continuity_of_education"));
    CHECK(RouteboekHub::action(plan, "school.continuity_of_education")->getValue<std::string>("recipient") ==
          "school:12AB");
    CHECK(RouteboekHub::action(plan, "leerplicht.zorgwekkend_verzuim")->getValue<std::string>("recipient") ==
          "gm0603-leerplicht");
    CHECK(plan->getValue<std::string>("owner") == "school:12AB");

    // The leerplicht task is a zaak at Rijswijk, with only the minimal data; the school's duty of
    // care arrives at its own webhook.
    const bool zaak_made = eventually(
        [&] { return parse_object(hub.zgw_get("/zaken/api/v1/zaken").body)->getValue<int>("count") == 1; }, 30);
    INFO(hub.service.request("GET", "/v1/deliveries", "", hub.admin).body);
    INFO(hub.service.log_text());
    REQUIRE(zaak_made);
    const std::string zaken = hub.zgw_get("/zaken/api/v1/zaken").body;
    CHECK(zaken.find("002220647") != std::string::npos);
    CHECK(zaken.find(bsn) == std::string::npos);
    REQUIRE(eventually(
        [&] {
            return parse_object(http_call(hub.receiver.port(), "GET", "/stats").body)
                       ->getValue<long long>("accepted") >= 1;
        },
        30));

    // Den Haag's leerplicht, the school's municipality, gets nothing.
    auto sql = hub.store.session();
    int for_den_haag = 0;
    *sql << "SELECT COUNT(*) FROM tasks WHERE recipient_id = 'gm0518-leerplicht'", soci::into(for_den_haag);
    CHECK(for_den_haag == 0);
    int decisions = 0;
    *sql << "SELECT COUNT(*) FROM plan_decisions WHERE rule = 'haaglanden-po/escalation/consecutive_absence'",
        soci::into(decisions);
    CHECK(decisions >= 1);

    // The MDO escalates: Rijswijk's ladder starts at the adviestafel, not Den Haag's management afstemming.
    const std::string mdo = hub.accept(school_a(), mdo_held(bsn_subject(bsn), true));
    const auto escalated = hub.plan_after(mdo);
    CHECK(escalated->getObject("escalation")->getValue<std::string>("table") == "adviestafel");
    CHECK(escalated->getArray("goals")->size() == 2);
}

SCENARIO("illness-explained absence does not escalate", "[routeboek]") {
    RouteboekHub hub;
    const std::string bsn = simulators::synthetic_bsn(502);
    hub.accept(municipality(), household({{"child", bsn_subject(bsn)}}, "GM0518", day_offset(-400)));
    const auto plan = hub.plan_after(hub.accept(school_a(), absence(bsn_subject(bsn), "ziekte", 40)));
    CHECK(plan->getObject("escalation")->getValue<std::string>("stage") == "none");
    CHECK(plan->getArray("actions")->size() == 0);
}

SCENARIO("overrides through the API: a reason is required and the path changes", "[routeboek]") {
    RouteboekHub hub;
    const std::string bsn = simulators::synthetic_bsn(503);
    hub.accept(municipality(), household({{"child", bsn_subject(bsn)}}, "GM0518", day_offset(-400)));
    const auto plan = hub.plan_after(hub.accept(school_a(), absence(bsn_subject(bsn), "ongeoorloofd", 35)));
    const std::string family = plan->getValue<std::string>("family_id");
    const std::string path = "/v1/plans/" + family + "/overrides";

    CHECK(hub.service.request("POST", path, R"({"kind":"skip_step"})", hub.admin).status == 422);  // no reason
    const auto doorbraak = hub.service.request(
        "POST", path, R"({"kind":"choose_table","table":"doorbraaktafel","reason":"directors are stuck"})", hub.admin);
    CHECK(doorbraak.status == 422);
    CHECK(doorbraak.content_type.find("application/problem+json") != std::string::npos);
    CHECK(hub.service
              .request("POST", path, R"({"kind":"skip_step","reason":"x y z"})",
                       admin_token("reader@eenplan", {"privacy_officer"}))
              .status == 403);

    const auto skipped = hub.service.request(
        "POST", path, R"({"kind":"skip_step","reason":"de financiële vraag is al door het bestuur beslist"})",
        hub.admin);
    INFO(skipped.body);
    CHECK(skipped.status == 201);
    const auto after = hub.plan_after(hub.accept(school_a(), mdo_held(bsn_subject(bsn), true)));
    CHECK(after->getObject("escalation")->getValue<std::string>("table") ==
          "adviestafel");  // management afstemming skipped
    const std::string timeline = [&] {
        std::ostringstream out;
        after->getArray("timeline")->stringify(out);
        return out.str();
    }();
    CHECK(timeline.find("de financiële vraag is al door het bestuur beslist") != std::string::npos);
    CHECK(after->getArray("overrides")->size() == 1);
}

SCENARIO("deadlines survive a restart: the schedule is in the database", "[routeboek]") {
    RouteboekHub hub;
    const std::string bsn = simulators::synthetic_bsn(504);
    hub.accept(municipality(), household({{"child", bsn_subject(bsn)}}, "GM0518", day_offset(-400)));
    const auto plan = hub.plan_after(hub.accept(school_a(), absence(bsn_subject(bsn), "ongeoorloofd", 29)));
    const std::string family = plan->getValue<std::string>("family_id");

    hub.service.kill_hard();
    {
        // As if the service had been down for a while: the plan was due yesterday.
        auto sql = hub.store.session();
        const std::string yesterday = day_offset(-1);
        std::string next;
        *sql << "SELECT next_check FROM plans WHERE family_id = :f", soci::use(family), soci::into(next);
        CHECK(next == day_offset(1));
        *sql << "UPDATE plans SET next_check = :d WHERE family_id = :f", soci::use(yesterday), soci::use(family);
    }
    hub.service.start();
    REQUIRE(eventually(
        [&] {
            auto sql = hub.store.session();
            std::string next;
            *sql << "SELECT next_check FROM plans WHERE family_id = :f", soci::use(family), soci::into(next);
            return next == day_offset(1);
        },
        30));
    auto sql = hub.store.session();
    std::string state;
    *sql << "SELECT state FROM plans WHERE family_id = :f", soci::use(family), soci::into(state);
    state = StoredPayloads(hub.service.config_file()).must_open(*sql, "plans", family, "state", state);
    CHECK(parse_object(state)->getValue<std::string>("evaluated_until") == day_offset(0));
}

SCENARIO("two siblings with plans of their own merge into one family plan with both timelines", "[routeboek]") {
    RouteboekHub hub;
    const std::string a = simulators::synthetic_bsn(511);
    const std::string b = simulators::synthetic_bsn(512);
    GIVEN("each sibling has a plan of its own before any household names the family") {
        const std::string signal_a = hub.accept(school_a(), absence(bsn_subject(a), "ongeoorloofd", 3));
        const std::string signal_b = hub.accept(school_a(), absence(bsn_subject(b), "ongeoorloofd", 2));
        const auto plan_a = hub.plan_after(signal_a);
        const auto plan_b = hub.plan_after(signal_b);
        REQUIRE(plan_a->getValue<std::string>("family_id").starts_with("pupil-"));
        REQUIRE(plan_b->getValue<std::string>("family_id").starts_with("pupil-"));
        REQUIRE(plan_a->getValue<std::string>("family_id") != plan_b->getValue<std::string>("family_id"));
        WHEN("the household signal names both children and a new signal arrives for one of them") {
            hub.accept(municipality(),
                       household({{"child", bsn_subject(a)}, {"child", bsn_subject(b)}}, "GM0518", day_offset(-400)));
            const auto family = hub.plan_after(hub.accept(school_a(), absence(bsn_subject(a), "geoorloofd", 0)));
            THEN("one family plan holds both pupils and both timelines; the sibling plans are gone") {
                CHECK_FALSE(family->getValue<std::string>("family_id").starts_with("pupil-"));
                CHECK(family->getArray("pupils")->size() == 2);
                const std::string timeline = [&] {
                    std::ostringstream out;
                    family->getArray("timeline")->stringify(out);
                    return out.str();
                }();
                CHECK(timeline.find(signal_a) != std::string::npos);
                CHECK(timeline.find(signal_b) != std::string::npos);
                auto sql = hub.store.session();
                int plans = 0;
                *sql << "SELECT COUNT(*) FROM plans", soci::into(plans);
                CHECK(plans == 1);
                int orphaned = 0;
                *sql << "SELECT COUNT(*) FROM plan_decisions WHERE family_id LIKE 'pupil-%'", soci::into(orphaned);
                CHECK(orphaned == 0);
                // The timeline is served from plan_decisions; the plan's JSON does not grow with it.
                std::string state, plan_id;
                *sql << "SELECT family_id, state FROM plans", soci::into(plan_id), soci::into(state);
                state = StoredPayloads(hub.service.config_file()).must_open(*sql, "plans", plan_id, "state", state);
                CHECK(parse_object(state)->getArray("timeline")->size() == 0);
                int signal_lines = 0;
                *sql << "SELECT COUNT(*) FROM plan_decisions WHERE entry = 'note' AND kind = 'signal' AND ref = :s",
                    soci::use(signal_a), soci::into(signal_lines);
                CHECK(signal_lines == 1);
            }
        }
    }
}

SCENARIO("a plan's next check comes when the service's clock reaches its day, without a restart or a wait",
         "[routeboek][clock]") {
    RouteboekHub hub(true);
    // Days as the service counts them: its clock stands still, so this stays true through the test.
    const auto service_day = [&](int offset) {
        const auto today =
            routeboek::parse_day(parse_object(hub.service.get("/v1/test/clock").body)->getValue<std::string>("today"));
        return routeboek::format_day(routeboek::add_days(*today, offset));
    };
    const std::string bsn = simulators::synthetic_bsn(505);
    hub.accept(municipality(), household({{"child", bsn_subject(bsn)}}, "GM0518", day_offset(-400)));
    const auto plan = hub.plan_after(hub.accept(school_a(), absence(bsn_subject(bsn), "ongeoorloofd", 29)));
    const std::string family = plan->getValue<std::string>("family_id");
    const auto plan_row = [&] {
        auto sql = hub.store.session();
        std::string next, state;
        *sql << "SELECT next_check, state FROM plans WHERE family_id = :f", soci::use(family), soci::into(next),
            soci::into(state);
        state = StoredPayloads(hub.service.config_file()).must_open(*sql, "plans", family, "state", state);
        return std::pair{next, parse_object(state)->optValue<std::string>("evaluated_until", "")};
    };
    const std::string tomorrow = service_day(1);
    REQUIRE(plan_row().first == tomorrow);
    const std::string evaluated = plan_row().second;

    WHEN("an hour passes, or less where the Dutch day ends sooner") {
        // The service's clock started at the real time: between 23:00 and midnight in the
        // Netherlands a whole hour would reach tomorrow, which the other WHEN is about.
        const auto now = std::chrono::sys_seconds(std::chrono::seconds(hub.service.clock_now()));
        int step = 3600;
        while (step > 1 && routeboek::dutch_day(now + std::chrono::seconds(step)) != routeboek::dutch_day(now))
            step = std::max(1, step - 60);
        hub.service.advance_clock(step);
        THEN("the plan is not due yet: it is neither checked nor moved") {
            CHECK(plan_row().first == tomorrow);
            CHECK(plan_row().second == evaluated);
        }
    }
    WHEN("the service's clock reaches tomorrow") {
        hub.service.advance_clock(24 * 3600);
        THEN("the worker checks the plan on that day and schedules the next check") {
            CHECK(eventually(
                [&] {
                    return plan_row().first ==
                           routeboek::format_day(routeboek::add_days(*routeboek::parse_day(tomorrow), 1));
                },
                20));
            CHECK(plan_row().second == tomorrow);
        }
    }
}

SCENARIO("a VO sibling follows the VO routeboek inside the family plan, in the service", "[routeboek]") {
    RouteboekHub hub;
    const std::string po = simulators::synthetic_bsn(521);
    const std::string vo = simulators::synthetic_bsn(522);
    GIVEN("a Den Haag family with a child at a PO school (12AB) and one at a VO school (34CD)") {
        hub.accept(municipality(),
                   household({{"child", bsn_subject(po)}, {"child", bsn_subject(vo)}}, "GM0518", day_offset(-400)));
        hub.plan_after(hub.accept(school_a(), absence(bsn_subject(po), "geoorloofd", 1)));
        WHEN("the VO child has been absent for 29 days") {
            const auto plan =
                hub.plan_after(hub.accept(school_a(), absence(bsn_subject(vo), "ongeoorloofd", 29, "34CD", "GM0518")));
            THEN("one family plan: the VO child follows the VO routeboek, its school's zorgcoördinator has the case") {
                const auto pupils = plan->getArray("pupils");
                REQUIRE(pupils->size() == 2);
                int vo_pupils = 0;
                for (std::size_t i = 0; i < pupils->size(); ++i) {
                    const auto p = pupils->getObject(static_cast<unsigned>(i));
                    const bool is_vo = p->getValue<std::string>("school") == "34CD";
                    CHECK(p->getValue<std::string>("sector") == (is_vo ? "vo" : "po"));
                    CHECK(p->getValue<std::string>("routeboek") == (is_vo ? "haaglanden-vo" : "haaglanden-po"));
                    vo_pupils += is_vo ? 1 : 0;
                }
                CHECK(vo_pupils == 1);
                CHECK(plan->getValue<std::string>("routeboek") == "haaglanden-vo");
                const auto zc = RouteboekHub::action(plan, "school.zorgcoordinator.case");
                REQUIRE(zc);
                CHECK(zc->getValue<std::string>("recipient") == "school:34CD");
                auto sql = hub.store.session();
                int escalations = 0;
                *sql << "SELECT COUNT(*) FROM plan_decisions WHERE entry = 'decision' AND kind = 'escalate' AND "
                        "rule = 'haaglanden-vo/escalation/consecutive_absence'",
                    soci::into(escalations);
                CHECK(escalations == 1);
                int plans = 0;
                *sql << "SELECT COUNT(*) FROM plans", soci::into(plans);
                CHECK(plans == 1);
            }
        }
    }
}
