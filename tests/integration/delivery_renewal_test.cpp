// A batch that outlasts half of its lease: a receiver that answers every task after 300 ms (slow,
// but not so slow that the rest of the batch is handed back), one batch of 20 tasks (6 s) under
// the shortest lease the configuration allows (5 s), and idle dispatcher threads (a second
// instance on PostgreSQL) that would claim the batch's tail again once its lease ran out. The
// dispatcher renews the lease of the rest of its batch when half of it is gone; without that the
// tail would be sent twice. The receiver counts every delivery per webhook-id.
#include <catch2/catch.hpp>

#include "delivery_fixture.hpp"
#include "outbox_fill.hpp"

using namespace eenplan::testing;

namespace {

std::string long_batch_config(int receiver_port, int zgw_port) {
    std::string config = delivery_config(receiver_port, zgw_port, 4);
    const std::string batch = "batch_size: 50";
    config.replace(config.find(batch), batch.size(), "batch_size: 20\n  lease_seconds: 5");
    return config;
}

}  // namespace

SCENARIO("a batch longer than its lease renews it for the rest and sends nothing twice", "[delivery][faults]") {
    TempDir dir;
    TestStore store(dir.path());
    SimulatorProcess receiver(EENPLAN_WEBHOOK_RECEIVER, {"--secret", receiver_secret, "--threads", "8"});
    SimulatorProcess zgw(EENPLAN_ZGW_SIM, {"--secret", zgw_secret});
    REQUIRE(http_call(receiver.port(), "POST", "/control", R"({"delay_ms": 300})").status == 200);
    ServiceOptions options;
    options.extra_config = long_batch_config(receiver.port(), zgw.port());
    const int tasks = 20;
    ServiceProcess first(store, dir.path(), options);
    TempDir second_dir;
    std::unique_ptr<ServiceProcess> second;
    if (store.is_postgresql()) second = std::make_unique<ServiceProcess>(store, second_dir.path(), options);

    fill_outbox(store, tasks, "renewal");
    auto sql = store.session();
    long long delivered = 0;
    CHECK(eventually(
        [&] {
            *sql << "SELECT COUNT(*) FROM deliveries WHERE state = 'delivered'", soci::into(delivered);
            return delivered == tasks;
        },
        45));
    const auto stats = parse_object(http_call(receiver.port(), "GET", "/stats").body);
    CHECK(stats->getValue<long long>("accepted") == tasks);
    CHECK(stats->getValue<long long>("distinct") == tasks);
    CHECK(stats->getValue<long long>("duplicates") == 0);
    long long attempts = 0;
    *sql << "SELECT COUNT(*) FROM delivery_attempts", soci::into(attempts);
    CHECK(attempts == tasks);
    // One thread took the whole batch, so every attempt was made by one instance.
    long long instances = 0;
    *sql << "SELECT COUNT(DISTINCT instance_id) FROM delivery_attempts", soci::into(instances);
    CHECK(instances == 1);
}
