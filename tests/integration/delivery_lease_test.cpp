// A batch that takes longer than the claim's lease: a slow receiver (every answer after 1.5 s),
// batches of 10 under the shortest lease the configuration allows (5 s) and four dispatcher
// threads (two instances on PostgreSQL), two of them idle. A dispatcher that sent the tail of its
// batch under the lease of the claim would send deliveries an idle thread had claimed again after
// 5 s; the receiver counts every delivery per webhook-id.
#include <catch2/catch.hpp>

#include <Poco/UUIDGenerator.h>

#include "delivery_fixture.hpp"
#include "outbox_fill.hpp"

using namespace eenplan::testing;

namespace {

std::string short_lease_config(int receiver_port, int zgw_port) {
    std::string config = delivery_config(receiver_port, zgw_port, 4);
    const std::string batch = "batch_size: 50";
    config.replace(config.find(batch), batch.size(), "batch_size: 10\n  lease_seconds: 5");
    return config;
}

}  // namespace

SCENARIO("a batch that outlasts its lease sends no delivery twice", "[delivery][faults]") {
    TempDir dir;
    TestStore store(dir.path());
    SimulatorProcess receiver(EENPLAN_WEBHOOK_RECEIVER, {"--secret", receiver_secret, "--threads", "16"});
    SimulatorProcess zgw(EENPLAN_ZGW_SIM, {"--secret", zgw_secret});
    REQUIRE(http_call(receiver.port(), "POST", "/control", R"({"delay_ms": 1500})").status == 200);
    ServiceOptions options;
    options.extra_config = short_lease_config(receiver.port(), zgw.port());
    const int tasks = 20;
    ServiceProcess first(store, dir.path(), options);
    TempDir second_dir;
    std::unique_ptr<ServiceProcess> second;
    if (store.is_postgresql()) second = std::make_unique<ServiceProcess>(store, second_dir.path(), options);

    fill_outbox(store, tasks, "lease");
    auto stats = [&] { return parse_object(http_call(receiver.port(), "GET", "/stats").body); };
    auto sql = store.session();
    long long delivered = 0;
    CHECK(eventually(
        [&] {
            *sql << "SELECT COUNT(*) FROM deliveries WHERE state = 'delivered'", soci::into(delivered);
            return delivered == tasks;
        },
        45));
    // Anything sent twice would have arrived by the time its first answer was recorded; wait one
    // more lease for stragglers.
    std::this_thread::sleep_for(std::chrono::milliseconds(2000));
    const auto final_stats = stats();
    CHECK(final_stats->getValue<long long>("accepted") == tasks);
    CHECK(final_stats->getValue<long long>("distinct") == tasks);
    CHECK(final_stats->getValue<long long>("duplicates") == 0);
    long long attempts = 0;
    *sql << "SELECT COUNT(*) FROM delivery_attempts", soci::into(attempts);
    CHECK(attempts == tasks);
}
