// Start-up on SQLite waits for the database lock like any writer: a quick restart while another
// process (here: this test) still holds the lock must not fail with "database is locked while
// preparing PRAGMA journal_mode=WAL" and exit.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "support/service_process.hpp"

using namespace eenplan::testing;

SCENARIO("the service starts on a SQLite file another process holds locked for a moment", "[faults][sqlite]") {
    GIVEN("a store the service created, then left, and a process holding an exclusive lock on it") {
        TempDir dir;
        TestStore store(dir.path());
        REQUIRE_FALSE(store.is_postgresql());
        ServiceProcess service(store, dir.path());
        service.stop();
        auto holder = store.session();
        // Back to a rollback journal, so the service has to switch to WAL again, and the
        // exclusive lock keeps it from even reading the file.
        *holder << "PRAGMA journal_mode=DELETE";
        *holder << "BEGIN EXCLUSIVE";
        WHEN("the service starts while the lock is held for two seconds") {
            std::thread release([&] {
                std::this_thread::sleep_for(std::chrono::seconds(2));
                *holder << "COMMIT";
            });
            const auto t0 = std::chrono::steady_clock::now();
            bool started = true;
            std::string error;
            try {
                service.start();
            } catch (const std::exception& e) {
                started = false;
                error = e.what();
            }
            release.join();
            THEN("it waits for the lock and starts") {
                INFO(error);
                REQUIRE(started);
                CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(1500));
                CHECK(service.request("GET", "/readyz").status == 200);
            }
        }
    }
}
