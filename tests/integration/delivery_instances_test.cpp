// Several dispatchers on one database: two service instances on PostgreSQL (one on SQLite, which
// supports a single dispatching instance) deliver a large outbox with no task twice and none
// missing. The tasks are written straight into the outbox in one transaction, as a burst of
// routeboek decisions would leave them.
#include <catch2/catch.hpp>

#include <Poco/UUIDGenerator.h>

#include "delivery_fixture.hpp"
#include "outbox_fill.hpp"

using namespace eenplan::testing;

namespace {}  // namespace

SCENARIO("two instances on one database deliver every task exactly once", "[delivery]") {
    TempDir dir;
    TestStore store(dir.path());
    SimulatorProcess receiver(EENPLAN_WEBHOOK_RECEIVER, {"--secret", receiver_secret, "--threads", "32"});
    SimulatorProcess zgw(EENPLAN_ZGW_SIM, {"--secret", zgw_secret});
    ServiceOptions options;
    options.extra_config = delivery_config(receiver.port(), zgw.port(), 4);
    const int tasks = store.is_postgresql() ? 10'000 : 2'000;
    ServiceProcess first(store, dir.path(), options);
    TempDir second_dir;
    std::unique_ptr<ServiceProcess> second;
    if (store.is_postgresql()) second = std::make_unique<ServiceProcess>(store, second_dir.path(), options);

    fill_outbox(store, tasks, "bench");
    auto stats = [&] { return parse_object(http_call(receiver.port(), "GET", "/stats").body); };
    REQUIRE(eventually([&] { return stats()->getValue<long long>("accepted") == tasks; }, 240));
    auto sql = store.session();
    long long delivered = 0;
    REQUIRE(eventually(
        [&] {
            *sql << "SELECT COUNT(*) FROM deliveries WHERE state = 'delivered'", soci::into(delivered);
            return delivered == tasks;
        },
        30));
    const auto final_stats = stats();
    CHECK(final_stats->getValue<long long>("distinct") == tasks);
    CHECK(final_stats->getValue<long long>("duplicates") == 0);
    long long attempts = 0;
    *sql << "SELECT COUNT(*) FROM delivery_attempts", soci::into(attempts);
    CHECK(attempts == tasks);
    if (store.is_postgresql()) {
        int instances = 0;
        *sql << "SELECT COUNT(DISTINCT instance_id) FROM delivery_attempts", soci::into(instances);
        CHECK(instances == 2);  // both dispatched
    }
}
