// eenplan-delivery-bench: fills the outbox with tasks and measures how the running service
// instances deliver them (polling the deliveries table). Run by delivery_load.sh, which starts the
// instances and a local receiver; see docs/benchmarks/delivery.md.
//   backlog: N tasks in one transaction, as a burst of decisions would; the time until all are
//            delivered.
//   paced:   tasks queued at R per second for S seconds, in a transaction every 10 ms as a plan
//            worker would; the lag from each task's queueing (its commit) to its first delivery
//            attempt (delivery_attempts.started_at_us), and the time the dispatchers needed after
//            the last task to deliver the rest.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <thread>
#include <vector>

#include <Poco/Timestamp.h>
#include <Poco/UUIDGenerator.h>

#include "config/config.hpp"
#include "outbox/outbox_store.hpp"
#include "store/database.hpp"

using namespace eenplan::service;

namespace {

std::int64_t now_us() { return Poco::Timestamp().epochMicroseconds(); }

void insert_tasks(soci::session& sql, int count, int first, const std::string& recipient) {
    auto& uuids = Poco::UUIDGenerator::defaultGenerator();
    const std::int64_t now = now_us();
    for (int i = first; i < first + count; ++i) {
        const std::string task_id = uuids.createRandom().toString();
        const std::string reference = "bench/" + std::to_string(i);
        const std::string payload =
            R"({"type":"continuity.education","task_id":")" + task_id +
            R"(","subject":"kp1:1:aaaabbbbccccddddeeeeffffgggghhhh","due_date":"2026-12-14","reference":")" +
            reference + R"(","correlation_id":"bench"})";
        OutboxStore::insert(sql,
                            {task_id, "continuity.education", recipient, "kp1:1:bench", "2026-12-14", "benchmark",
                             reference, "bench", "bench", now},
                            {uuids.createRandom().toString(), task_id, recipient, "webhook", payload, "bench", now});
    }
}

long long delivered_count(Database& database) {
    long long delivered = 0;
    database.with_session([&](soci::session& sql) {
        sql << "SELECT COUNT(*) FROM deliveries WHERE state = 'delivered'", soci::into(delivered);
    });
    return delivered;
}

// Waits (at most 10 minutes) until `tasks` deliveries are delivered; returns how many are.
long long wait_delivered(Database& database, long long tasks) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(10);
    long long delivered = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        delivered = delivered_count(database);
        if (delivered >= tasks) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return delivered;
}

std::string attempts_line(Database& database) {
    long long attempts = 0;
    long long instances = 0;
    database.with_session([&](soci::session& sql) {
        sql << "SELECT COUNT(*) FROM delivery_attempts", soci::into(attempts);
        sql << "SELECT COUNT(DISTINCT instance_id) FROM delivery_attempts", soci::into(instances);
    });
    return "attempts " + std::to_string(attempts) + ", dispatching instances " + std::to_string(instances);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 5 && argc != 6) {
        std::cerr << "usage: eenplan-delivery-bench sqlite|postgresql <soci-connection> <tasks> <recipient-id>\n"
                     "       eenplan-delivery-bench sqlite|postgresql <soci-connection> <rate>/s:<seconds> "
                     "<recipient-id> paced\n";
        return 64;
    }
    DatabaseConfig config;
    config.backend = std::string(argv[1]) == "postgresql" ? Backend::postgresql : Backend::sqlite;
    config.connection = argv[2];
    config.pool_size = 1;
    const std::string recipient = argv[4];
    Database database(config);
    database.migrate();

    if (argc == 5) {
        const int tasks = std::stoi(argv[3]);
        database.with_session([&](soci::session& sql) {
            soci::transaction tx(sql);
            insert_tasks(sql, tasks, 0, recipient);
            tx.commit();
        });
        const auto started = std::chrono::steady_clock::now();
        const long long delivered = wait_delivered(database, tasks);
        const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
        std::cout << "tasks " << tasks << ", delivered " << delivered << ", " << attempts_line(database) << ", "
                  << elapsed.count() << " s, "
                  << static_cast<long long>(static_cast<double>(delivered) / elapsed.count()) << " tasks/s\n";
        return delivered == tasks ? 0 : 1;
    }

    // Paced: every 10 ms the tasks that are due by then, in one transaction.
    const std::string spec = argv[3];
    const double rate = std::stod(spec.substr(0, spec.find('/')));
    const double seconds = std::stod(spec.substr(spec.find(':') + 1));
    const auto tick = std::chrono::milliseconds(10);
    const auto started = std::chrono::steady_clock::now();
    const auto end = started + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                   std::chrono::duration<double>(seconds));
    int queued = 0;
    database.with_session([&](soci::session& sql) {
        for (auto next = started; next < end; next += tick) {
            std::this_thread::sleep_until(next);
            const std::chrono::duration<double> since = std::chrono::steady_clock::now() - started;
            const int due = static_cast<int>(std::floor(since.count() * rate)) - queued;
            if (due <= 0) continue;
            soci::transaction tx(sql);
            insert_tasks(sql, due, queued, recipient);
            tx.commit();
            queued += due;
        }
    });
    const auto load_end = std::chrono::steady_clock::now();
    const long long behind = queued - delivered_count(database);
    const long long delivered = wait_delivered(database, queued);
    const std::chrono::duration<double> drain = std::chrono::steady_clock::now() - load_end;
    const std::chrono::duration<double> load = load_end - started;
    // The lag of each delivery's first attempt after its queueing (created_at_us is taken just
    // before the inserting transaction commits).
    std::vector<long long> lags;
    database.with_session([&](soci::session& sql) {
        soci::rowset<long long> rows = (sql.prepare << "SELECT MIN(a.started_at_us) - MIN(d.created_at_us) "
                                                       "FROM deliveries d JOIN delivery_attempts a ON "
                                                       "a.delivery_id = d.delivery_id GROUP BY d.delivery_id");
        lags.assign(rows.begin(), rows.end());
    });
    std::sort(lags.begin(), lags.end());
    auto at = [&](double q) {
        if (lags.empty()) return 0.0;
        const auto i = std::min(lags.size() - 1, static_cast<std::size_t>(q * static_cast<double>(lags.size())));
        return static_cast<double>(lags[i]) / 1000.0;
    };
    std::cout << "paced " << rate << "/s for " << load.count() << " s: queued " << queued << " ("
              << static_cast<long long>(static_cast<double>(queued) / load.count()) << "/s), delivered " << delivered
              << ", " << attempts_line(database) << "; not yet delivered at the end " << behind << ", drained in "
              << drain.count() << " s; lag to first attempt p50 " << at(0.5) << " ms, p99 " << at(0.99) << " ms, max "
              << (lags.empty() ? 0.0 : static_cast<double>(lags.back()) / 1000.0) << " ms\n";
    return delivered == queued ? 0 : 1;
}
