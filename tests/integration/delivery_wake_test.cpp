// Waking the dispatcher: a task queued while every dispatcher thread sleeps is sent as soon as the
// queueing transaction says TaskOutbox::queued(), not at the next poll. The dispatcher runs in
// this process on the test store (its poll interval a minute, longer than the test waits), with
// the real Standard Webhooks receiver as recipient; the tasks are queued through TaskOutbox the
// way a decision queues them: in a transaction of their own (create) and inside the caller's
// transaction, queued() after its commit.
#include <catch2/catch.hpp>

#include <Poco/Logger.h>
#include <Poco/Timestamp.h>

#include "delivery_fixture.hpp"
#include "common/system_clock.hpp"
#include "eenplan/core/sealed_text.hpp"
#include "observability/metrics.hpp"
#include "outbox/dispatcher.hpp"
#include "outbox/outbox_store.hpp"
#include "outbox/task_outbox.hpp"
#include "privacy/agreements_file.hpp"
#include "privacy/disclosure_gate.hpp"
#include "privacy/privacy_store.hpp"
#include "store/database.hpp"

using namespace eenplan;
using namespace eenplan::testing;
using namespace eenplan::service;

namespace {

Config sleepy_config(const TestStore& store, int receiver_port) {
    Config config;
    config.database.backend = store.is_postgresql() ? Backend::postgresql : Backend::sqlite;
    config.database.connection = store.connection();
    config.database.pool_size = 4;
    config.delivery.dispatcher_threads = 2;
    config.delivery.poll_interval_ms = 60'000;  // longer than any wait below: only a wake gets a task sent
    RecipientConfig recipient;
    recipient.id = "gm0518";
    recipient.name = "Gemeente Den Haag";
    recipient.kind = "municipality";
    recipient.url = "http://127.0.0.1:" + std::to_string(receiver_port) + "/eenplan/tasks";
    recipient.secret = base64_decode(std::string(receiver_secret).substr(6)).value();
    recipient.timeout_ms = 2000;
    config.recipients.push_back(recipient);
    return config;
}

KeyRing ring() {
    auto ring = KeyRing::create({VersionedKey(1, Bytes(32, 9))}, 1);
    REQUIRE(ring);
    return std::move(ring).value();
}

delivery::TaskDraft draft(const std::string& reference) {
    return {"adviestafel.aanmelden", "gm0518", "kp1:1:d2FrZS10ZXN0LXB1cGls", "2026-12-14", "getest", reference,
            "corr-" + reference,     {}};
}

}  // namespace

SCENARIO("a task queued while the dispatcher sleeps is sent when its transaction commits", "[delivery]") {
    TempDir dir;
    TestStore store(dir.path());
    SimulatorProcess receiver(EENPLAN_WEBHOOK_RECEIVER, {"--secret", receiver_secret});
    const Config config = sleepy_config(store, receiver.port());
    Database database(config.database);
    database.migrate();
    PrivacyStore privacy(database);
    REQUIRE(apply_seed(privacy, test_default_seed(config), system_clock().now_us()).empty());
    OutboxStore outbox_store(database, "wake-test");
    DisclosureGate gate(config, privacy);
    Metrics metrics;
    Dispatcher dispatcher(config, outbox_store, gate, system_clock(), metrics, Poco::Logger::get("delivery-wake-test"));
    const VersionedKey pseudonym_key(1, Bytes(32, 5));
    const TextSealer sealer(ring());
    TaskOutbox outbox(config, pseudonym_key, sealer);
    outbox.on_queued([&] { dispatcher.wake(); });

    auto state_of = [&](const std::string& delivery_id) { return outbox_store.find(delivery_id).value().state; };
    dispatcher.start();
    // Both threads find nothing and go to sleep for a minute.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));

    WHEN("a task is created in a transaction of its own") {
        auto created = outbox.create(database, draft("plan/1/aanmelding"), "test", system_clock().now_us());
        REQUIRE(created);
        THEN("it is delivered long before the next poll") {
            CHECK(eventually([&] { return state_of(created.value().delivery_id) == "delivered"; }, 20));
        }
    }
    WHEN("tasks are queued inside the caller's transaction and queued() is said after its commit") {
        std::vector<std::string> ids;
        database.with_session([&](soci::session& sql) {
            soci::transaction tx(sql);
            for (int i = 0; i < 3; ++i) {
                auto queued = outbox.enqueue(sql, draft("plan/2/" + std::to_string(i)), "routeboek",
                                             system_clock().now_us(), "family-2/" + std::to_string(i));
                REQUIRE(queued);
                ids.push_back(queued.value().delivery_id);
            }
            tx.commit();
        });
        outbox.queued();
        THEN("all of them are delivered long before the next poll, once each") {
            CHECK(eventually(
                [&] {
                    return std::all_of(ids.begin(), ids.end(),
                                       [&](const std::string& id) { return state_of(id) == "delivered"; });
                },
                20));
            const auto stats = parse_object(http_call(receiver.port(), "GET", "/stats").body);
            CHECK(stats->getValue<long long>("accepted") == 3);
            CHECK(stats->getValue<long long>("duplicates") == 0);
            CHECK(store.count("disclosures") == 3);  // the sharing check let each through, and logged it
        }
    }
    dispatcher.stop();
}
