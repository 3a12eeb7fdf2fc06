// The settings every pooled session of the store runs with, read back through the store's own
// sessions: on PostgreSQL synchronous_commit = on (a 202 means the signal survives a crash) and
// the configured statement_timeout; on SQLite synchronous = FULL.
#include <catch2/catch.hpp>

#include <string>

#include "store/database.hpp"
#include "store/pg_arrays.hpp"
#include "store/pg_prepared.hpp"
#include "store/write_transaction.hpp"
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

SCENARIO("a prepared statement is planned once per connection and survives what makes the server forget it",
         "[store][ingest]") {
    TempDir dir;
    TestStore store(dir.path());
    if (!store.is_postgresql()) return;  // PostgreSQL's named statements; SQLite has none of this
    Database database(database_config(store, 7));
    database.with_session(
        [](soci::session& sql) { sql << "CREATE TABLE prepared_probe (id text PRIMARY KEY, note text)"; });
    const PgStatement insert{"eenplan_test_probe_insert",
                             "INSERT INTO prepared_probe SELECT * FROM unnest(CAST($1 AS text[]), CAST($2 AS text[])) "
                             "RETURNING id"};
    const auto run = [&](soci::session& sql, const std::vector<std::string>& ids) {
        std::vector<std::optional<std::string>> notes(ids.size(), std::nullopt);
        return execute_prepared(sql, insert, {pg_text_array(ids), pg_text_array(notes)}).size();
    };
    const auto statements = [](soci::session& sql) {
        int n = 0;
        sql << "SELECT COUNT(*) FROM pg_prepared_statements WHERE name = 'eenplan_test_probe_insert'", soci::into(n);
        return n;
    };
    WHEN("one session runs it with one row, then with three") {
        database.with_session([&](soci::session& sql) {
            THEN("both insert, with one statement prepared on the connection, and NULLs stay NULL") {
                CHECK(run(sql, {"a"}) == 1);
                CHECK(run(sql, {"b", "c", "d"}) == 3);
                CHECK(statements(sql) == 1);
                int nulls = 0;
                sql << "SELECT COUNT(*) FROM prepared_probe WHERE note IS NULL", soci::into(nulls);
                CHECK(nulls == 4);
            }
        });
    }
    WHEN("a connection runs it more than a hundred times") {
        database.with_session([&](soci::session& sql) {
            const auto prepared_at = [&] {
                std::string at;
                sql << "SELECT CAST(prepare_time AS text) FROM pg_prepared_statements "
                       "WHERE name = 'eenplan_test_probe_insert'",
                    soci::into(at);
                return at;
            };
            CHECK(run(sql, {"r0"}) == 1);
            const std::string first = prepared_at();
            for (int i = 1; i <= 101; ++i) REQUIRE(run(sql, {"r" + std::to_string(i)}) == 1);
            THEN("it was prepared afresh once, so its plan follows the tables' growth") {
                CHECK(prepared_at() != first);
                CHECK(statements(sql) == 1);
            }
        });
    }
    WHEN("the server forgets it between two runs (DEALLOCATE ALL, as a pooler's reset does)") {
        database.with_session([&](soci::session& sql) {
            CHECK(run(sql, {"e"}) == 1);
            sql << "DEALLOCATE ALL";
            THEN("the next run prepares it again") { CHECK(run(sql, {"f"}) == 1); }
        });
    }
    WHEN("a row breaks a constraint") {
        database.with_session([&](soci::session& sql) {
            CHECK(run(sql, {"g-secret-value"}) == 1);
            THEN("a soci error with the SQLSTATE is thrown, without the values the server's detail quotes") {
                try {
                    run(sql, {"g-secret-value"});
                    FAIL("no error");
                } catch (const soci::soci_error& error) {
                    const std::string message = error.what();
                    CHECK(message.find("duplicate key") != std::string::npos);
                    CHECK(message.find("g-secret-value") == std::string::npos);
                    CHECK(is_retryable_conflict(error));  // 23505, as SOCI's own errors carry it
                }
                CHECK(run(sql, {"h"}) == 1);  // the connection goes on
            }
        });
    }
}
