// The console's data API in the real service over HTTP, on SQLite and PostgreSQL: the integration
// log with its filters and keyset pages, one signal's whole path (received, linked, decided, task,
// delivery, attempts) to a receiver simulator, delivery issues with bulk retry (preview, run, 409)
// and cancel, the health view, the dashboard's small-cell suppression, the roles, and a scan that no
// number, name or birth date that was sent comes back in any answer.
#include <catch2/catch.hpp>

#include <chrono>
#include <set>
#include <sstream>

#include "console_api/console_api.hpp"
#include "delivery_fixture.hpp"
#include "eenplan/core/routeboek/calendar.hpp"
#include "record_fixture.hpp"
#include "support/dutch_days.hpp"
#include "support/files.hpp"

using namespace eenplan;
using namespace eenplan::testing;

namespace {

std::string text_of(const Poco::Dynamic::Var& value) { return value.isEmpty() ? std::string() : value.toString(); }

std::string stringify(const Poco::JSON::Object::Ptr& o) {
    std::ostringstream out;
    o->stringify(out);
    return out.str();
}

// The Haaglanden routeboek with a school and a municipality as sources; the school and both
// leerplicht offices receive their tasks at the webhook receiver simulator.
struct ConsoleHub {
    TempDir dir;
    TestStore store{dir.path()};
    SimulatorProcess receiver{EENPLAN_WEBHOOK_RECEIVER, {"--secret", receiver_secret}};
    ServiceProcess service{store, dir.path(), options()};
    std::string admin = admin_token("beheerder@eenplan", {"admin"});
    int sent = 0;

    ServiceOptions options() const {
        ServiceOptions o;
        o.sources = {school_a(), municipality()};
        const std::string hook = "http://127.0.0.1:" + std::to_string(receiver.port()) + "/eenplan/tasks";
        auto recipient = [&](const std::string& id) {
            return "  - id: " + id + "\n    name: " + id + "\n    connector: webhook\n    url: " + hook +
                   "\n    secret: \"" + receiver_secret + "\"\n    timeout_ms: 2000\n";
        };
        o.extra_config = "routeboek: " + shipped_routeboek_path() + "\n" +
                         "delivery:\n  dispatcher_threads: 2\n  poll_interval_ms: 50\nrecipients:\n" +
                         recipient("school-12ab") + recipient("gm0603-leerplicht") + recipient("gm0518-leerplicht");
        return o;
    }

    Poco::JSON::Object::Ptr accept(const TestSource& source, const std::string& body) {
        integration::WebhookSender sender({service.signals_url(source.id), std::nullopt, std::chrono::seconds(10)});
        const auto r = sender.post("msg_console_" + std::to_string(++sent), Poco::Timestamp().epochTime(), body,
                                   source.secret_bytes());
        INFO(r.body);
        REQUIRE(r.status == 202);
        return parse_object(r.body);
    }

    Poco::JSON::Object::Ptr get(const std::string& path, std::vector<std::string>* answers = nullptr) const {
        const auto answer = service.request("GET", path, "", admin);
        INFO(path << " " << answer.body);
        REQUIRE(answer.status == 200);
        if (answers) answers->push_back(answer.body);
        return parse_object(answer.body);
    }
};

// Every item of the log under `query`, page by page (limit `page`), with the cursors followed.
std::vector<std::string> all_pages(const ConsoleHub& hub, const std::string& query, int page, int& pages) {
    std::vector<std::string> ids;
    std::string cursor;
    pages = 0;
    do {
        const auto answer = hub.get("/v1/console/messages?limit=" + std::to_string(page) + query +
                                    (cursor.empty() ? "" : "&cursor=" + cursor));
        const auto items = answer->getArray("items");
        CHECK(items->size() <= static_cast<std::size_t>(page));
        for (std::size_t i = 0; i < items->size(); ++i)
            ids.push_back(items->getObject(static_cast<unsigned>(i))->getValue<std::string>("id"));
        cursor = text_of(answer->get("next_cursor"));
        ++pages;
    } while (!cursor.empty() && pages < 100);
    return ids;
}

}  // namespace

SCENARIO("one signal's whole path, the integration log and health, and nothing personal in any answer", "[console]") {
    ConsoleHub hub;
    const std::string bsn = simulators::synthetic_bsn(701);
    const std::string attributes =
        R"("attributes":{"family_name":"Wijnaldum-Oosterhout","given_names":"Zoë Anouk","birth_date":"2014-02-27"})";
    const std::string subject = R"({"bsn":")" + bsn + R"(",)" + attributes + "}";
    hub.accept(municipality(), household({{"child", bsn_subject(bsn)}}, "GM0603", day_offset(-400)));
    const std::string absence =
        R"({"type":"absence.reported","occurred_at":")" + day_offset(0) + R"(T08:00:00Z","subject":)" + subject +
        R"(,"school":{"brin":"12AB","gemeentecode":"GM0518"},"data":{"absence_kind":"ongeoorloofd","from":")" +
        day_offset(-30) + R"("}})";
    const auto accepted = hub.accept(school_a(), absence);
    const std::string correlation = accepted->getValue<std::string>("correlation_id");
    const std::string signal_id = accepted->getValue<std::string>("signal_id");
    std::vector<std::string> answers;

    // The escalation's tasks reach the receiver: the school's duty of care and Rijswijk's leerplicht.
    REQUIRE(eventually(
        [&] {
            return parse_object(http_call(hub.receiver.port(), "GET", "/stats").body)
                       ->getValue<long long>("accepted") >= 2;
        },
        30));
    Poco::JSON::Object::Ptr path;
    REQUIRE(eventually(
        [&] {
            path = hub.get("/v1/console/correlations/" + correlation);
            const auto tasks = path->getArray("tasks");
            if (tasks->size() < 2) return false;
            for (std::size_t i = 0; i < tasks->size(); ++i) {
                const auto deliveries = tasks->getObject(static_cast<unsigned>(i))->getArray("deliveries");
                if (deliveries->size() != 1 || deliveries->getObject(0)->getValue<std::string>("state") != "delivered")
                    return false;
            }
            return true;
        },
        30));
    answers.push_back(stringify(path));

    THEN("the correlation view shows received, linked, decided, each task, delivery and attempt") {
        CHECK(path->getValue<std::string>("correlation_id") == correlation);
        const auto signal = path->getObject("signal");
        CHECK(signal->getValue<std::string>("id") == signal_id);
        CHECK(signal->getValue<std::string>("source") == school_a().id);
        CHECK(signal->getValue<std::string>("type") == "absence.reported");
        CHECK(signal->getValue<std::string>("status") == "planned");
        const auto record = path->getObject("record");
        REQUIRE(record);
        CHECK_FALSE(record->getValue<std::string>("pupil_id").empty());
        CHECK_FALSE(text_of(record->get("family_id")).empty());
        const auto decisions = path->getArray("decisions");
        REQUIRE(decisions->size() >= 2);
        bool escalated = false;
        for (std::size_t i = 0; i < decisions->size(); ++i) {
            const auto d = decisions->getObject(static_cast<unsigned>(i));
            escalated = escalated || d->getValue<std::string>("kind") == "escalate";
            CHECK(text_of(d->get("municipality")) == "GM0603");
        }
        CHECK(escalated);
        std::set<std::string> recipients;
        const auto tasks = path->getArray("tasks");
        for (std::size_t i = 0; i < tasks->size(); ++i) {
            const auto t = tasks->getObject(static_cast<unsigned>(i));
            recipients.insert(t->getValue<std::string>("recipient"));
            const auto attempts = t->getArray("deliveries")->getObject(0)->getArray("attempts");
            REQUIRE(attempts->size() >= 1);
            const auto last = attempts->getObject(static_cast<unsigned>(attempts->size() - 1));
            CHECK(last->getValue<std::string>("outcome") == "delivered");
            CHECK(last->getValue<int>("http_status") / 100 == 2);
            CHECK(last->get("error").isEmpty());
        }
        CHECK(recipients.count("school-12ab") == 1);
        CHECK(recipients.count("gm0603-leerplicht") == 1);
        CHECK(hub.service.request("GET", "/v1/console/correlations/no-such-correlation", "", hub.admin).status == 404);
    }

    THEN("the integration log lists the signal and its attempts, filtered and paged by keyset") {
        const auto by_correlation = hub.get("/v1/console/messages?correlation_id=" + correlation, &answers);
        const auto items = by_correlation->getArray("items");
        int in = 0, out = 0;
        for (std::size_t i = 0; i < items->size(); ++i) {
            const auto item = items->getObject(static_cast<unsigned>(i));
            CHECK(item->getValue<std::string>("correlation_id") == correlation);
            if (item->getValue<std::string>("direction") == "in") {
                ++in;
                CHECK(item->getValue<std::string>("party") == school_a().id);
                CHECK(item->get("latency_ms").isEmpty());
            } else {
                ++out;
                CHECK(item->getValue<std::string>("status") == "delivered");
                CHECK(item->getValue<double>("latency_ms") >= 0);
            }
        }
        CHECK(in == 1);
        CHECK(out >= 2);
        // Newest first.
        for (std::size_t i = 1; i < items->size(); ++i) {
            CHECK(items->getObject(static_cast<unsigned>(i - 1))->getValue<std::string>("at") >=
                  items->getObject(static_cast<unsigned>(i))->getValue<std::string>("at"));
        }

        // Pages of one hold exactly what one page of 500 holds, in the same order.
        int pages = 0;
        const auto whole = all_pages(hub, "", 500, pages);
        CHECK(pages == 1);
        const auto paged = all_pages(hub, "", 1, pages);
        CHECK(paged == whole);
        CHECK(pages == static_cast<int>(whole.size()));
        CHECK(whole.size() >= 4);  // two signals, two attempts at least
        const auto paged_out = all_pages(hub, "&direction=out", 1, pages);
        CHECK(paged_out.size() + 2 == whole.size());

        const auto inbound = hub.get("/v1/console/messages?direction=in&party=" + municipality().id, &answers);
        REQUIRE(inbound->getArray("items")->size() == 1);
        CHECK(inbound->getArray("items")->getObject(0)->getValue<std::string>("type") == "household.composition");
        CHECK(hub.get("/v1/console/messages?status=dead")->getArray("items")->size() == 0);
        CHECK(hub.get("/v1/console/messages?type=absence.reported")->getArray("items")->size() == 1);
        CHECK(hub.get("/v1/console/messages?from=2000-01-01&to=2000-01-02")->getArray("items")->size() == 0);

        for (const char* bad :
             {"?limit=0", "?limit=501", "?direction=sideways", "?cursor=zzzz", "?status=lost",
              "?direction=in&status=delivered", "?from=yesterday", "?limit=%zz", "?colour=red", "?party=a%20b"}) {
            const auto answer = hub.service.request("GET", std::string("/v1/console/messages") + bad, "", hub.admin);
            INFO(bad << " " << answer.body);
            CHECK(answer.status == 400);
            CHECK(answer.content_type.find("application/problem+json") != std::string::npos);
        }
    }

    THEN("health names each source and recipient with its last success, counts and circuit") {
        const auto health = hub.get("/v1/console/health", &answers);
        const auto sources = health->getArray("sources");
        bool school = false;
        for (std::size_t i = 0; i < sources->size(); ++i) {
            const auto s = sources->getObject(static_cast<unsigned>(i));
            if (s->getValue<std::string>("id") != school_a().id) continue;
            school = true;
            CHECK(s->getValue<long long>("received_24h") == 1);
            CHECK(s->getValue<long long>("errors_24h") == 0);
            CHECK_FALSE(text_of(s->get("last_success_at")).empty());
        }
        CHECK(school);
        const auto recipients = health->getArray("recipients");
        REQUIRE(recipients->size() == 3);
        for (std::size_t i = 0; i < recipients->size(); ++i) {
            const auto r = recipients->getObject(static_cast<unsigned>(i));
            CHECK(r->getValue<std::string>("circuit") == "closed");
            if (r->getValue<std::string>("id") == "gm0518-leerplicht") {
                CHECK(r->get("last_success_at").isEmpty());  // Den Haag gets nothing
                CHECK(r->getValue<long long>("attempts_24h") == 0);
            } else {
                CHECK(r->getValue<long long>("attempts_24h") >= 1);
                CHECK(r->getValue<long long>("failures_24h") == 0);
            }
        }
    }

    THEN("the dashboard suppresses these few counts; parked items are listed") {
        const auto dashboard = hub.get("/v1/console/dashboard", &answers);
        const auto hours = dashboard->getArray("signals_per_hour");
        REQUIRE(hours->size() >= 1);
        for (std::size_t i = 0; i < hours->size(); ++i) {
            CHECK(hours->getObject(static_cast<unsigned>(i))->get("count").isEmpty());
            CHECK(hours->getObject(static_cast<unsigned>(i))->getValue<bool>("suppressed"));
        }
        CHECK(dashboard->getObject("deliveries")->get("attempts").isEmpty());
        CHECK(dashboard->getObject("time_to_plan_days")->get("n").isEmpty());
        answers.push_back(hub.service.request("GET", "/v1/parked", "", hub.admin).body);
        answers.push_back(hub.service.request("GET", "/v1/console/delivery-issues?state=all", "", hub.admin).body);
    }

    THEN("a privacy officer reads but cannot act; without a token nothing") {
        const std::string officer = admin_token("fg@eenplan", {"privacy_officer"});
        for (const char* view :
             {"/v1/console/messages", "/v1/console/health", "/v1/console/dashboard", "/v1/console/delivery-issues"}) {
            CHECK(hub.service.request("GET", view, "", officer).status == 200);
            CHECK(hub.service.request("GET", view, "").status == 401);
        }
        CHECK(hub.service.request("GET", "/v1/console/correlations/" + correlation, "", officer).status == 200);
        const std::string issue = "/v1/console/delivery-issues/" + service::issue_id({"school-12ab", "http_5xx"});
        CHECK(hub.service.request("POST", issue + "/retry", R"({"preview":true})", officer).status == 403);
        CHECK(hub.service.request("POST", issue + "/cancel", "", officer).status == 403);
    }

    // Nothing sent that names the child comes back: number, names, birth date in any rendering.
    for (const std::string& answer : answers) {
        INFO(answer);
        for (const std::string& secret :
             {bsn, std::string("Wijnaldum"), std::string("Oosterhout"), std::string("Anouk"), std::string("2014-02-27"),
              std::string("27-02-2014"), std::string("20140227")}) {
            CHECK(answer.find(secret) == std::string::npos);
        }
    }
}

SCENARIO_METHOD(DeliveryHub, "failed deliveries grouped per recipient and cause: preview, run, 409, cancel",
                "[console]") {
    tell_receiver(R"({"always": true, "status": 500})");
    std::vector<std::string> ids;
    for (std::uint32_t n = 0; n < 3; ++n) {
        const auto created = create_task("gm1916", pupil(710 + n), "plan/" + std::to_string(n) + "/console");
        REQUIRE(created.status == 201);
        ids.push_back(delivery_id(created));
    }
    REQUIRE(service.advance_until(
        [&] {
            for (const auto& id : ids)
                if (state_of(id) != "dead") return false;
            return true;
        },
        1, 15));

    const auto issues = parse_object(service.request("GET", "/v1/console/delivery-issues", "", admin).body);
    REQUIRE(issues->getArray("items")->size() == 1);
    const auto issue = issues->getArray("items")->getObject(0);
    CHECK(issue->getValue<std::string>("recipient") == "gm1916");
    CHECK(issue->getValue<std::string>("cause") == "http_5xx");
    CHECK(issue->getValue<int>("count") == 3);
    CHECK(issue->getValue<std::string>("state") == "open");
    CHECK(issue->getArray("delivery_ids")->size() == 3);
    const std::string path = "/v1/console/delivery-issues/" + issue->getValue<std::string>("issue_id");

    // The log shows each failed attempt with its cause as a code.
    const auto dead = parse_object(service.request("GET", "/v1/console/messages?status=dead", "", admin).body);
    REQUIRE(dead->getArray("items")->size() == 3);
    CHECK(dead->getArray("items")->getObject(0)->getValue<std::string>("error") == "http_5xx");

    const auto preview = service.request("POST", path + "/retry", R"({"preview":true})", admin);
    REQUIRE(preview.status == 200);
    CHECK(parse_object(preview.body)->getValue<int>("count") == 3);
    CHECK(parse_object(preview.body)->getArray("delivery_ids")->size() == 3);
    CHECK(state_of(ids[0]) == "dead");  // a preview changes nothing

    CHECK(service.request("POST", path + "/retry", R"({"preview":false})", admin).status == 422);
    CHECK(service.request("POST", path + "/retry", R"({"preview":false,"expected_count":2})", admin).status == 409);
    CHECK(service.request("POST", "/v1/console/delivery-issues/not-an-issue/retry", R"({"preview":true})", admin)
              .status == 404);

    tell_receiver("{}");
    const auto run = service.request("POST", path + "/retry", R"({"preview":false,"expected_count":3})", admin);
    INFO(run.body);
    REQUIRE(run.status == 200);
    CHECK(parse_object(run.body)->getValue<int>("retried") == 3);
    REQUIRE(service.advance_until(
        [&] {
            for (const auto& id : ids)
                if (state_of(id) != "delivered") return false;
            return true;
        },
        1, 15));
    CHECK(accepted() == 3);
    CHECK(parse_object(service.request("GET", "/v1/console/delivery-issues", "", admin).body)
              ->getArray("items")
              ->size() == 0);

    // The audit trail names who ran it and every delivery it retried.
    const std::string audit = service.request("GET", "/v1/audit?limit=1000", "", admin_token("a", {"auditor"})).body;
    INFO(audit);
    const auto at = audit.find("/v1/console/delivery-issues/{issueId}/retry");
    REQUIRE(at != std::string::npos);
    for (const auto& id : ids) CHECK(audit.find(id) != std::string::npos);

    WHEN("the receiver fails again and the new dead letters are cancelled as one") {
        tell_receiver(R"({"always": true, "status": 500})");
        std::vector<std::string> more;
        for (std::uint32_t n = 0; n < 2; ++n)
            more.push_back(delivery_id(create_task("gm1916", pupil(720 + n), "plan/9" + std::to_string(n) + "/c")));
        REQUIRE(
            service.advance_until([&] { return state_of(more[0]) == "dead" && state_of(more[1]) == "dead"; }, 1, 15));
        CHECK(service.request("POST", path + "/cancel", R"({"expected_count":5})", admin).status == 409);
        const auto cancelled = service.request("POST", path + "/cancel", "", admin);
        REQUIRE(cancelled.status == 200);
        CHECK(parse_object(cancelled.body)->getValue<int>("cancelled") == 2);
        CHECK(state_of(more[0]) == "cancelled");
        CHECK(parse_object(service.request("GET", "/v1/console/delivery-issues", "", admin).body)
                  ->getArray("items")
                  ->size() == 0);
        const auto all = parse_object(service.request("GET", "/v1/console/delivery-issues?state=all", "", admin).body);
        REQUIRE(all->getArray("items")->size() == 1);
        CHECK(all->getArray("items")->getObject(0)->getValue<std::string>("state") == "cancelled");
        CHECK(service.request("GET", "/v1/console/delivery-issues?state=closed", "", admin).status == 400);
    }
}

SCENARIO_METHOD(DeliveryHub, "the dashboard shows no count under 10 and no cell that a total gives away", "[console]") {
    // Signals: 10 from school A and 9 from school B in the same hour (the manual clock stands still).
    for (std::uint32_t n = 0; n < 10; ++n) pupil(730 + n);
    for (std::uint32_t n = 0; n < 9; ++n) {
        integration::WebhookSender sender({service.signals_url(school_b().id), std::nullopt, std::chrono::seconds(10)});
        const std::string body =
            R"({"type":"enrolment.started","occurred_at":"2026-08-24T08:00:00Z","subject":{"bsn":")" +
            simulators::synthetic_bsn(750 + n) +
            R"("},"school":{"brin":"34CD","gemeentecode":"GM0518"},"data":{"start_date":"2026-08-24"}})";
        REQUIRE(
            sender.post("msg_b_" + std::to_string(n), Poco::Timestamp().epochTime(), body, school_b().secret_bytes())
                .status == 202);
    }
    // Plans and attempts as the plan worker and the dispatcher would have written them.
    const std::int64_t now_us = service.clock_now() * 1'000'000;
    const std::string today = day_offset(0);
    {
        auto sql = store.session();
        int next = 0;
        auto plan = [&](const std::string& woon, const std::string& school, const std::optional<std::string>& table,
                        bool escalated, int days_worrying) {
            const std::string family = "fam-" + std::to_string(++next);
            const std::string first = day_offset(-days_worrying);
            soci::indicator esc = escalated ? soci::i_ok : soci::i_null;
            soci::indicator tab = table ? soci::i_ok : soci::i_null;
            const std::string table_id = table.value_or("");
            const long long at = now_us;
            *sql << "INSERT INTO plans (family_id, routeboek_id, state, escalated_since, table_id, updated_at_us, "
                    "woongemeente, first_worrying, school_gemeenten, escalated_schoolgemeente) VALUES "
                    "(:f, 'haaglanden-po', '{}', :e, :t, :u, :w, :fw, :s, :es)",
                soci::use(family), soci::use(today, esc), soci::use(table_id, tab), soci::use(at), soci::use(woon),
                soci::use(first, esc), soci::use(school), soci::use(school, esc);
        };
        for (int i = 0; i < 15; ++i) plan("GM0518", "GM0518", "adviestafel", true, 20);
        for (int i = 0; i < 3; ++i) plan("GM0518", "GM0603", std::nullopt, true, 30);
        for (int i = 0; i < 20; ++i) plan("GM0603", "GM0603", std::nullopt, false, 0);
        for (int i = 0; i < 10; ++i) plan("GM1916", "GM1916", "adviestafel", true, 20);
        for (int i = 0; i < 15; ++i) {
            const std::string id = "d-" + std::to_string(i);
            const std::string outcome = i < 10 ? "delivered" : "dead";
            const long long started = now_us - 1000;
            const long long latency = (i + 1) * 1000;
            *sql << "INSERT INTO delivery_attempts (delivery_id, attempt, started_at_us, latency_us, status, outcome, "
                    "instance_id, correlation_id) VALUES (:d, 1, :s, :l, 200, :o, 'test', 'c')",
                soci::use(id), soci::use(started), soci::use(latency), soci::use(outcome);
        }
    }
    const auto answer = service.request("GET", "/v1/console/dashboard", "", admin);
    INFO(answer.body);
    REQUIRE(answer.status == 200);
    const auto dashboard = parse_object(answer.body);

    std::map<std::string, Poco::Dynamic::Var> per_source;
    const auto hours = dashboard->getArray("signals_per_hour");
    for (std::size_t i = 0; i < hours->size(); ++i) {
        const auto h = hours->getObject(static_cast<unsigned>(i));
        per_source[h->getValue<std::string>("source")] = h->get("count");
    }
    REQUIRE(per_source.size() == 2);
    CHECK(per_source[school_a().id].convert<int>() == 10);  // 10 is shown
    CHECK(per_source[school_b().id].isEmpty());             // 9 is not

    // 15 attempts, 10 succeeded: the 5 failures would be the attempts less the successes.
    const auto deliveries = dashboard->getObject("deliveries");
    CHECK(deliveries->getValue<int>("attempts") == 15);
    CHECK(deliveries->get("succeeded").isEmpty());
    CHECK(deliveries->getValue<bool>("suppressed"));

    // Den Haag: 15 at the adviestafel and 3 at the MDO. The 3 is suppressed and, since both count
    // Den Haag's escalations (also in the grensverkeer), the 15 with it. Leidschendam's 10 shows.
    std::map<std::string, Poco::Dynamic::Var> escalations;
    const auto open = dashboard->getArray("open_escalations");
    for (std::size_t i = 0; i < open->size(); ++i) {
        const auto e = open->getObject(static_cast<unsigned>(i));
        escalations[e->getValue<std::string>("municipality") + "/" + e->getValue<std::string>("table")] =
            e->get("count");
    }
    CHECK(escalations["GM0518/mdo"].isEmpty());
    CHECK(escalations["GM0518/adviestafel"].isEmpty());
    CHECK(escalations["GM1916/adviestafel"].convert<int>() == 10);

    std::map<std::string, Poco::JSON::Object::Ptr> cells;
    const auto grens = dashboard->getArray("grensverkeer");
    for (std::size_t i = 0; i < grens->size(); ++i) {
        const auto g = grens->getObject(static_cast<unsigned>(i));
        cells[g->getValue<std::string>("woongemeente") + "x" + g->getValue<std::string>("schoolgemeente")] = g;
    }
    REQUIRE(cells.count("GM0518xGM0518"));
    REQUIRE(cells.count("GM0518xGM0603"));
    CHECK(cells["GM0518xGM0603"]->get("pupils").isEmpty());
    CHECK(cells["GM0518xGM0518"]->get("pupils").isEmpty());  // complementary: 15 would give the 3 away
    CHECK(cells["GM0518xGM0518"]->get("escalations").isEmpty());
    CHECK(cells["GM0603xGM0603"]->getValue<int>("pupils") == 20);
    CHECK(cells["GM0603xGM0603"]->get("escalations").isEmpty());  // 0 is under 10 too
    CHECK(cells["GM1916xGM1916"]->getValue<int>("escalations") == 10);

    const auto ttp = dashboard->getObject("time_to_plan_days");
    CHECK(ttp->getValue<int>("n") == 28);
    CHECK(ttp->getValue<double>("p50") == 20);
    CHECK(ttp->getValue<double>("p90") == 30);

    // No count under 10 anywhere in the answer.
    for (const std::string key : {"\"count\":", "\"pupils\":", "\"escalations\":", "\"attempts\":", "\"n\":"}) {
        for (std::size_t at = answer.body.find(key); at != std::string::npos; at = answer.body.find(key, at + 1)) {
            const std::string rest = answer.body.substr(at + key.size(), 4);
            if (rest.starts_with("null")) continue;
            CHECK(std::stoll(rest) >= 10);
        }
    }
    for (const char* bad :
         {"?from=2026-01-01&to=2026-03-01", "?from=2026-02-01&to=2026-01-01", "?to=never", "?hour=1"}) {
        CHECK(service.request("GET", std::string("/v1/console/dashboard") + bad, "", admin).status == 400);
    }
}

namespace {

// No agreement at all: every task is blocked by the sharing policy right before it is sent.
struct BlockedHub {
    TempDir dir;
    TestStore store{dir.path()};
    SimulatorProcess receiver{EENPLAN_WEBHOOK_RECEIVER, {"--secret", receiver_secret}};
    ServiceProcess service{store, dir.path(), options()};
    std::string admin = admin_token("beheerder@eenplan", {"admin"});

    ServiceOptions options() const {
        ServiceOptions o;
        o.default_agreement = false;
        o.extra_config =
            "delivery:\n  dispatcher_threads: 1\n  poll_interval_ms: 50\nrecipients:\n"
            "  - id: gm1916\n    kind: leerplicht\n    connector: webhook\n    url: http://127.0.0.1:" +
            std::to_string(receiver.port()) + "/eenplan/tasks\n    secret: \"" + receiver_secret +
            "\"\n    timeout_ms: 2000\n";
        return o;
    }

    std::string pupil(std::uint32_t n) const {
        integration::WebhookSender sender({service.signals_url("school-a"), std::nullopt, std::chrono::seconds(10)});
        const std::string body =
            R"({"type":"enrolment.started","occurred_at":"2026-08-24T08:00:00Z","subject":{"bsn":")" +
            simulators::synthetic_bsn(n) +
            R"("},"school":{"brin":"12AB","gemeentecode":"GM0518"},"data":{"start_date":"2026-08-24"}})";
        const std::string webhook_id = "msg_blocked_" + std::to_string(n);
        REQUIRE(sender.post(webhook_id, Poco::Timestamp().epochTime(), body, school_a().secret_bytes()).status == 202);
        auto sql = store.session();
        std::string pseudonym;
        *sql << "SELECT subject_pseudonym FROM signals WHERE webhook_id = :w", soci::use(webhook_id),
            soci::into(pseudonym);
        return pseudonym;
    }

    std::string state_of(const std::string& id) const {
        return parse_object(service.request("GET", "/v1/deliveries/" + id, "", admin).body)
            ->getValue<std::string>("state");
    }
};

}  // namespace

SCENARIO_METHOD(BlockedHub, "a bulk retry of blocked deliveries passes the sharing policy again", "[console]") {
    std::vector<std::string> ids;
    for (std::uint32_t n = 0; n < 2; ++n) {
        const auto created =
            service.request("POST", "/v1/tasks",
                            R"({"type":"leerplicht.melding","recipient":"gm1916","pupil":")" + pupil(760 + n) +
                                R"(","due_date":"2026-12-14","reason":"verzuim","reference":"plan/1/x"})",
                            admin);
        INFO(created.body);
        REQUIRE(created.status == 201);
        ids.push_back(parse_object(created.body)->getValue<std::string>("delivery_id"));
    }
    REQUIRE(eventually([&] { return state_of(ids[0]) == "blocked" && state_of(ids[1]) == "blocked"; }, 30));
    const auto issues = parse_object(service.request("GET", "/v1/console/delivery-issues", "", admin).body);
    REQUIRE(issues->getArray("items")->size() == 1);
    const auto issue = issues->getArray("items")->getObject(0);
    CHECK(issue->getValue<std::string>("cause") == "blocked:no_agreement");
    CHECK(issue->getValue<int>("count") == 2);
    const std::string path = "/v1/console/delivery-issues/" + issue->getValue<std::string>("issue_id");

    const auto run = service.request("POST", path + "/retry", R"({"preview":false,"expected_count":2})", admin);
    INFO(run.body);
    REQUIRE(run.status == 200);
    CHECK(parse_object(run.body)->getValue<int>("retried") == 2);
    // Retried, checked again at send time, blocked again: nothing reached the receiver.
    REQUIRE(eventually(
        [&] {
            const auto d = parse_object(service.request("GET", "/v1/deliveries/" + ids[0], "", admin).body);
            return d->getValue<std::string>("state") == "blocked" && d->has("changed");
        },
        30));
    REQUIRE(eventually([&] { return state_of(ids[1]) == "blocked"; }, 30));
    CHECK(parse_object(http_call(receiver.port(), "GET", "/stats").body)->getValue<long long>("accepted") == 0);
    CHECK(parse_object(service.request("GET", "/v1/console/delivery-issues", "", admin).body)
              ->getArray("items")
              ->getObject(0)
              ->getValue<int>("count") == 2);
}
