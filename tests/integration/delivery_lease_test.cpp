// Batches that run up against the claim's lease, under the shortest lease the configuration
// allows (5 s), with four dispatcher threads (and a second instance on PostgreSQL) of which all
// but one are idle and would claim a batch's tail again once its lease ran out. The receiver
// counts every delivery per webhook-id:
// - a batch that outlasts its lease (every answer after 1.5 s, batches of 10): a dispatcher that
//   sent the tail of its batch under the lease of the claim would send deliveries an idle thread
//   had claimed again;
// - a batch that outlasts half of it (every answer after 300 ms, one batch of 20: 6 s): the
//   dispatcher renews the lease of the rest of its batch when half of it is gone, so the whole
//   batch is sent by the one thread that claimed it; without the renewal the tail would be sent
//   twice.
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <thread>

#include "delivery_fixture.hpp"
#include "outbox_fill.hpp"

using namespace eenplan::testing;

namespace {

const int tasks = 20;

struct LongBatch {
    int delay_ms;    // the receiver's answer time
    int batch_size;  // the dispatcher's batch
    int receiver_threads;
    std::string label;  // of the tasks
};

// Fills the outbox with `tasks` tasks, lets the dispatchers deliver them to a receiver that takes
// `delay_ms` a task, and checks that each was sent and recorded once. Returns the number of
// instances that made attempts.
long long deliver_long_batches(const LongBatch& run) {
    TempDir dir;
    TestStore store(dir.path());
    SimulatorProcess receiver(EENPLAN_WEBHOOK_RECEIVER,
                              {"--secret", receiver_secret, "--threads", std::to_string(run.receiver_threads)});
    SimulatorProcess zgw(EENPLAN_ZGW_SIM, {"--secret", zgw_secret});
    REQUIRE(http_call(receiver.port(), "POST", "/control", R"({"delay_ms": )" + std::to_string(run.delay_ms) + "}")
                .status == 200);
    ServiceOptions options;
    options.extra_config = delivery_config(receiver.port(), zgw.port(), 4);
    const std::string batch = "batch_size: 50";
    options.extra_config.replace(options.extra_config.find(batch), batch.size(),
                                 "batch_size: " + std::to_string(run.batch_size) + "\n  lease_seconds: 5");
    ServiceProcess first(store, dir.path(), options);
    TempDir second_dir;
    std::unique_ptr<ServiceProcess> second;
    if (store.is_postgresql()) second = std::make_unique<ServiceProcess>(store, second_dir.path(), options);

    fill_outbox(store, tasks, run.label);
    auto sql = store.session();
    long long delivered = 0;
    CHECK(eventually(
        [&] {
            *sql << "SELECT COUNT(*) FROM deliveries WHERE state = 'delivered'", soci::into(delivered);
            return delivered == tasks;
        },
        45));
    // Anything sent twice would have arrived by the time its first answer was recorded; wait a
    // little more for stragglers.
    std::this_thread::sleep_for(std::chrono::milliseconds(2000));
    const auto stats = parse_object(http_call(receiver.port(), "GET", "/stats").body);
    CHECK(stats->getValue<long long>("accepted") == tasks);
    CHECK(stats->getValue<long long>("distinct") == tasks);
    CHECK(stats->getValue<long long>("duplicates") == 0);
    long long attempts = 0;
    *sql << "SELECT COUNT(*) FROM delivery_attempts", soci::into(attempts);
    CHECK(attempts == tasks);
    long long instances = 0;
    *sql << "SELECT COUNT(DISTINCT instance_id) FROM delivery_attempts", soci::into(instances);
    return instances;
}

}  // namespace

SCENARIO("a batch that outlasts its lease sends no delivery twice", "[delivery][faults]") {
    deliver_long_batches({1500, 10, 16, "lease"});
}

SCENARIO("a batch longer than half its lease renews it for the rest and sends nothing twice", "[delivery][faults]") {
    // One thread took the whole batch, so every attempt was made by one instance.
    CHECK(deliver_long_batches({300, 20, 8, "renewal"}) == 1);
}
