// The plan worker does not stall on signals or plans that keep failing: 200 old signals of a
// family whose stored plan cannot be read (more than one round of the worker takes) fail, are
// counted and parked after five attempts, and a new signal behind them is planned. The admin API
// lists the parked ones and retries them; the metrics count them.
#include <catch2/catch.hpp>

#include <chrono>

#include "delivery_fixture.hpp"
#include "eenplan/core/routeboek/calendar.hpp"
#include "support/shipped_routeboek.hpp"

using namespace eenplan;
using namespace eenplan::testing;

namespace {

long long count(const TestStore& store, const std::string& query) {
    auto sql = store.session();
    long long n = 0;
    *sql << query, soci::into(n);
    return n;
}

}  // namespace

SCENARIO("failing signals and plans are parked instead of holding up the plan worker", "[routeboek][faults]") {
    TempDir dir;
    TestStore store(dir.path());
    ServiceOptions options;
    options.extra_config = "routeboek: " + shipped_routeboek_path() + "\n";
    options.manual_clock = true;  // each move of the clock wakes the worker for another round
    ServiceProcess service(store, dir.path(), options);
    const std::string admin = admin_token("beheerder@eenplan", {"admin"});

    GIVEN("200 stored signals, the oldest, of a pupil whose plan is unreadable (and due today)") {
        {
            auto sql = store.session();
            soci::transaction tx(*sql);
            // The service's Dutch date, not the UTC one of this machine (they differ after 23:00 UTC).
            const std::string day = parse_object(service.get("/v1/test/clock").body)->getValue<std::string>("today");
            *sql << "INSERT INTO plans (family_id, routeboek_id, state, next_check, updated_at_us) "
                    "VALUES ('pupil-broken', 'haaglanden-po', '{not json', :d, 1)",
                soci::use(day);
            for (int i = 0; i < 200; ++i) {
                const std::string id = "poisoned-" + std::to_string(i);
                const long long received = 1000 + i;
                *sql << "INSERT INTO signals (signal_id, source_id, webhook_id, correlation_id, type, occurred_at, "
                        "received_at_us, subject_kind, subject_pseudonym, envelope) VALUES (:id, 'school-a', :w, 'c', "
                        "'absence.reported', '2026-01-01T08:00:00Z', :r, 'bsn', 'kp1:1:x', '{}')",
                    soci::use(id), soci::use(id), soci::use(received);
                *sql << "INSERT INTO signal_links (signal_id, pupil_id, rule, score, evidence, linked_at_us) "
                        "VALUES (:id, 'broken', 'test', 1.0, '{}', 1)",
                    soci::use(id);
            }
            tx.commit();
        }
        WHEN("a school sends a new signal") {
            integration::WebhookSender sender(
                {service.signals_url("school-a"), std::nullopt, std::chrono::seconds(10)});
            const std::string body =
                R"({"type":"enrolment.started","occurred_at":"2026-08-24T08:00:00Z","subject":{"bsn":")" +
                simulators::synthetic_bsn(7) +
                R"("},"school":{"brin":"12AB","gemeentecode":"GM0518"},"data":{"start_date":"2026-08-24"}})";
            const auto r =
                sender.post("msg_after_poison", Poco::Timestamp().epochTime(), body, school_a().secret_bytes());
            REQUIRE(r.status == 202);
            const std::string signal_id = parse_object(r.body)->getValue<std::string>("signal_id");

            // The metric of signals parked, summed over the service's life, has reached `n`.
            const auto parked_total = [&](int n) {
                return service.request("GET", "/metrics")
                           .body.find("eenplan_plan_parked_total{kind=\"signal\"} " + std::to_string(n)) !=
                       std::string::npos;
            };
            THEN("the poisoned ones are parked after five attempts and the new one is planned") {
                // (With several worker threads the new one, of another family, need not wait for them.)
                CHECK(service.advance_until(
                    [&] {
                        // The metrics count a failure after its batch's commit: wait for them too.
                        return count(store, "SELECT COUNT(*) FROM signals WHERE signal_id = '" + signal_id +
                                                "' AND planned_at_us IS NOT NULL") == 1 &&
                               count(store, "SELECT COUNT(*) FROM signals WHERE plan_parked_at_us IS NOT NULL") ==
                                   200 &&
                               parked_total(200);
                    },
                    1, 200));
                CHECK(count(store,
                            "SELECT COUNT(*) FROM signals WHERE plan_parked_at_us IS NOT NULL AND plan_attempts = 5") ==
                      200);
                CHECK(count(store,
                            "SELECT COUNT(*) FROM signals WHERE planned_at_us IS NOT NULL AND signal_id LIKE "
                            "'poisoned-%'") == 0);

                const auto parked = service.request("GET", "/v1/parked", "", admin);
                REQUIRE(parked.status == 200);
                CHECK(parse_object(parked.body)->getArray("signals")->size() == 200);
                CHECK(service.request("GET", "/v1/parked").status == 401);

                const std::string metrics = service.request("GET", "/metrics").body;
                CHECK(metrics.find("eenplan_plan_parked_total{kind=\"signal\"} 200") != std::string::npos);

                AND_WHEN("an admin retries them") {
                    const auto retried = service.request("POST", "/v1/parked/retry", "", admin);
                    REQUIRE(retried.status == 200);
                    CHECK(parse_object(retried.body)->getValue<int>("retried") >= 200);
                    THEN("they are tried again (and, still failing, parked again)") {
                        CHECK(service.advance_until(
                            [&] {
                                return count(store,
                                             "SELECT COUNT(*) FROM signals WHERE plan_parked_at_us IS NOT NULL") ==
                                           200 &&
                                       parked_total(400);
                            },
                            1, 200));
                        const std::string again = service.request("GET", "/metrics").body;
                        CHECK(again.find("eenplan_plan_parked_total{kind=\"signal\"} 400") != std::string::npos);
                    }
                }
            }
        }
    }
}
