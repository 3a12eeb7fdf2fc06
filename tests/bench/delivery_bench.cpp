// eenplan-delivery-bench: fills the outbox with N tasks in one transaction, as a burst of
// decisions would, then measures how long the running service instances take to deliver all of
// them (polling the deliveries table). Run by delivery_load.sh, which starts the instances and a
// local receiver; see docs/benchmarks/delivery.md.
#include <chrono>
#include <iostream>
#include <thread>

#include <Poco/Timestamp.h>
#include <Poco/UUIDGenerator.h>

#include "config/config.hpp"
#include "outbox/outbox_store.hpp"
#include "store/database.hpp"

using namespace eenplan::service;

int main(int argc, char** argv) {
    if (argc != 5) {
        std::cerr << "usage: eenplan-delivery-bench sqlite|postgresql <soci-connection> <tasks> <recipient-id>\n";
        return 64;
    }
    DatabaseConfig config;
    config.backend = std::string(argv[1]) == "postgresql" ? Backend::postgresql : Backend::sqlite;
    config.connection = argv[2];
    config.pool_size = 1;
    const int tasks = std::stoi(argv[3]);
    const std::string recipient = argv[4];
    Database database(config);
    database.migrate();

    auto& uuids = Poco::UUIDGenerator::defaultGenerator();
    const std::int64_t now = Poco::Timestamp().epochMicroseconds();
    database.with_session([&](soci::session& sql) {
        soci::transaction tx(sql);
        for (int i = 0; i < tasks; ++i) {
            const std::string task_id = uuids.createRandom().toString();
            const std::string reference = "bench/" + std::to_string(i);
            const std::string payload =
                R"({"type":"continuity.education","task_id":")" + task_id +
                R"(","subject":"kp1:1:aaaabbbbccccddddeeeeffffgggghhhh","due_date":"2026-12-14","reference":")" +
                reference + R"(","correlation_id":"bench"})";
            OutboxStore::insert(
                sql,
                {task_id, "continuity.education", recipient, "kp1:1:bench", "2026-12-14", "benchmark", reference,
                 "bench", "bench", now},
                {uuids.createRandom().toString(), task_id, recipient, "webhook", payload, "bench", now});
        }
        tx.commit();
    });
    const auto started = std::chrono::steady_clock::now();
    const auto deadline = started + std::chrono::minutes(10);
    long long delivered = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        database.with_session([&](soci::session& sql) {
            sql << "SELECT COUNT(*) FROM deliveries WHERE state = 'delivered'", soci::into(delivered);
        });
        if (delivered >= tasks) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
    long long attempts = 0;
    long long instances = 0;
    database.with_session([&](soci::session& sql) {
        sql << "SELECT COUNT(*) FROM delivery_attempts", soci::into(attempts);
        sql << "SELECT COUNT(DISTINCT instance_id) FROM delivery_attempts", soci::into(instances);
    });
    std::cout << "tasks " << tasks << ", delivered " << delivered << ", attempts " << attempts
              << ", dispatching instances " << instances << ", " << elapsed.count() << " s, "
              << static_cast<long long>(static_cast<double>(delivered) / elapsed.count()) << " tasks/s\n";
    return delivered == tasks ? 0 : 1;
}
