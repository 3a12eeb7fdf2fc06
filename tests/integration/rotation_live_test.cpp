// Key rotation beside a running service: between the restart on a new pseudonym key and the end
// of --repseudonymise, a known pupil's new signal must land on its existing record and a known
// parent's household on the existing family (lookups try the older key versions too), and the job
// must then not collide with what was written meanwhile.
#include <catch2/catch.hpp>

#include <Poco/Timestamp.h>

#include "outbound/webhook_sender.hpp"
#include "record_fixture.hpp"
#include "support/service_process.hpp"
#include "synthetic_people.hpp"

using namespace eenplan::testing;

SCENARIO("a pupil signalled between rotation and re-pseudonymisation keeps one record", "[identity][faults]") {
    TempDir dir;
    TestStore store(dir.path());
    ServiceProcess service(store, dir.path());
    const std::string bsn = eenplan::simulators::synthetic_bsn(41);
    auto send = [&](const std::string& id) {
        eenplan::integration::WebhookSender sender(
            {service.signals_url("school-a"), std::nullopt, std::chrono::seconds(10)});
        const std::string body =
            R"({"type":"enrolment.started","occurred_at":"2026-08-24T08:00:00Z","subject":{"bsn":")" + bsn +
            R"("},"school":{"brin":"12AB","gemeentecode":"GM0518"},"data":{"start_date":"2026-08-24"}})";
        return sender.post(id, Poco::Timestamp().epochTime(), body, school_a().secret_bytes()).status;
    };
    REQUIRE(send("msg_before_rotation") == 202);
    REQUIRE(store.count("pupils") == 1);

    WHEN("the service restarts on a second key version and the pupil is signalled before the job runs") {
        service.stop();
        service.add_key_version();
        service.start();
        REQUIRE(send("msg_after_rotation") == 202);
        THEN("the signal lands on the pupil's existing record") {
            CHECK(store.count("pupils") == 1);
            AND_WHEN("the job runs") {
                const auto [code, output] = run_service_once(service.config_file(), "--repseudonymise");
                INFO(output);
                THEN("it completes without failures, and the pupil still has one record, found by the new value") {
                    CHECK(code == 0);
                    CHECK_THAT(output, Catch::Contains("0 failed"));
                    CHECK(store.count("pupils") == 1);
                    REQUIRE(send("msg_after_job") == 202);
                    CHECK(store.count("pupils") == 1);
                }
            }
        }
    }
}

SCENARIO_METHOD(RecordFixture, "a parent signalled between rotation and re-pseudonymisation stays in one family",
                "[identity][faults]") {
    const std::string parent = eenplan::simulators::synthetic_bsn(421);
    const std::string first_child = eenplan::simulators::synthetic_bsn(422);
    const std::string second_child = eenplan::simulators::synthetic_bsn(423);
    auto families = [&] {
        auto sql = store.session();
        long long n = 0;
        *sql << "SELECT COUNT(*) FROM families WHERE merged_into IS NULL", soci::into(n);
        return n;
    };
    accept(municipality(),
           household({{"parent", bsn_subject(parent)}, {"child", bsn_subject(first_child)}}, "GM0518", "2026-01-10"));
    REQUIRE(families() == 1);

    WHEN(
        "the service restarts on a second key version and a household with the same parent and a new child "
        "arrives before the job runs") {
        service.stop();
        service.add_key_version();
        service.start();
        accept(municipality(), household({{"parent", bsn_subject(parent)}, {"child", bsn_subject(second_child)}},
                                         "GM0518", "2026-02-01"));
        THEN("the parent's family is found by the value under the older key: the new child joins it") {
            CHECK(families() == 1);
            CHECK(store.count("family_parents") == 2);  // the parent under both versions, until the job
            AND_WHEN("the job runs") {
                const auto [code, output] = run_service_once(service.config_file(), "--repseudonymise");
                INFO(output);
                THEN("it completes without failures, and the family keeps the parent once and both children") {
                    CHECK(code == 0);
                    CHECK_THAT(output, Catch::Contains("0 failed"));
                    CHECK(families() == 1);
                    CHECK(store.count("family_parents") == 1);
                    CHECK(store.count("pupils") == 2);
                }
            }
        }
    }
}
