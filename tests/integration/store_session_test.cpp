// The settings every pooled session of the store runs with, read back through the store's own
// sessions: on PostgreSQL synchronous_commit = on (a 202 means the signal survives a crash) and
// the configured statement_timeout; on SQLite synchronous = FULL.
#include <catch2/catch.hpp>

#include <string>

#include "store/database.hpp"
#include "support/service_process.hpp"

using namespace eenplan::service;
using namespace eenplan::testing;

namespace {

DatabaseConfig database_config(const TestStore& store, int statement_timeout_seconds) {
    DatabaseConfig config;
    config.backend = store.is_postgresql() ? Backend::postgresql : Backend::sqlite;
    config.connection = store.connection();
    config.pool_size = 2;
    config.statement_timeout_seconds = statement_timeout_seconds;
    return config;
}

std::string show(Database& database, const std::string& setting) {
    return database.with_session([&](soci::session& sql) {
        std::string value;
        sql << "SHOW " + setting, soci::into(value);
        return value;
    });
}

}  // namespace

SCENARIO("every session of the store commits durably and bounds its statements", "[security][store]") {
    TempDir dir;
    TestStore store(dir.path());

    if (store.is_postgresql()) {
        GIVEN("a PostgreSQL database that defaults to asynchronous commits") {
            // A database (or role, or server) default the service must not inherit; this test's
            // own database only, so other tests on the cluster are not touched.
            *store.session() << "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET synchronous_commit = off', "
                                "current_database()); END $$";
            WHEN("the service's store opens its sessions with a statement timeout of 7 s") {
                Database database(database_config(store, 7));
                THEN("every session reads back synchronous_commit on and the 7 s timeout") {
                    for (int i = 0; i < 4; ++i) {  // more than the pool: each pooled session
                        CHECK(show(database, "synchronous_commit") == "on");
                        CHECK(show(database, "statement_timeout") == "7s");
                    }
                }
                THEN("a statement running longer than the timeout is cancelled") {
                    Database quick(database_config(store, 1));
                    CHECK_THROWS(quick.with_session([](soci::session& sql) { sql << "SELECT pg_sleep(3)"; }));
                }
            }
            WHEN("the timeout is left at its default") {
                Database database(database_config(store, DatabaseConfig{}.statement_timeout_seconds));
                THEN("it is 30 s") { CHECK(show(database, "statement_timeout") == "30s"); }
            }
        }
    } else {
        GIVEN("a SQLite store") {
            Database database(database_config(store, 30));
            THEN("every session writes with synchronous = FULL") {
                const int synchronous = database.with_session([](soci::session& sql) {
                    int value = 0;
                    sql << "PRAGMA synchronous", soci::into(value);
                    return value;
                });
                CHECK(synchronous == 2);  // FULL
            }
        }
    }
}
