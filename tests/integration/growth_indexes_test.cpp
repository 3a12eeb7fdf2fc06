// Migration 0017 (docs/benchmarks/ingest.md, "Growth"): the query every start runs over the stored
// consent signals reads their index, not every signal; signals_received_idx is gone, and the
// queries on received_at_us read signals_log_idx instead. Migration 0021: the indexes the pipeline
// wrote for no query are gone, and the queries they served read the remaining ones.
#include <catch2/catch.hpp>

#include <string>

#include "store/database.hpp"
#include "support/service_process.hpp"

using namespace eenplan::service;
using namespace eenplan::testing;

namespace {

// The plan of `query` as one text: EXPLAIN on PostgreSQL (sequential scans off, so that the
// answer does not depend on the size of the table), EXPLAIN QUERY PLAN on SQLite.
std::string plan_of(Database& database, const std::string& query) {
    return database.with_session([&](soci::session& sql) {
        std::string plan;
        if (database.backend() == Backend::postgresql) {
            sql << "SET enable_seqscan = off";
            soci::rowset<std::string> rows = sql.prepare << "EXPLAIN " + query;
            for (const std::string& line : rows) plan += line + "\n";
            sql << "RESET enable_seqscan";
        } else {
            soci::rowset<soci::row> rows = sql.prepare << "EXPLAIN QUERY PLAN " + query;
            for (const soci::row& row : rows) plan += row.get<std::string>(3) + "\n";
        }
        return plan;
    });
}

bool has_index(Database& database, const std::string& name) {
    return database.with_session([&](soci::session& sql) {
        long long count = 0;
        if (database.backend() == Backend::postgresql) {
            sql << "SELECT COUNT(*) FROM pg_indexes WHERE indexname = :n", soci::use(name), soci::into(count);
        } else {
            sql << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = :n", soci::use(name),
                soci::into(count);
        }
        return count > 0;
    });
}

// A store of the kind under test, migrated, with one connection.
struct MigratedStore {
    TempDir dir;
    TestStore store{dir.path()};
    Database database{config_for(store)};

    MigratedStore() { database.migrate(); }

    static DatabaseConfig config_for(const TestStore& store) {
        DatabaseConfig config;
        config.backend = store.is_postgresql() ? Backend::postgresql : Backend::sqlite;
        config.connection = store.connection();
        config.pool_size = 1;
        return config;
    }
};

}  // namespace

SCENARIO("a start does not read every stored signal to find the consent signals", "[record][store]") {
    MigratedStore migrated;
    Database& database = migrated.database;

    GIVEN("a migrated store") {
        THEN("the consent signals are found through their own index") {
            const std::string plan =
                plan_of(database,
                        "SELECT signal_id FROM signals WHERE type IN ('consent.given', 'consent.withdrawn') "
                        "ORDER BY received_at_us, signal_id");
            INFO(plan);
            CHECK(plan.find("signals_consent_idx") != std::string::npos);
        }
        THEN("received_at_us has one index, the console's log index") {
            CHECK_FALSE(has_index(database, "signals_received_idx"));
            const std::string plan = plan_of(database, "SELECT COUNT(*) FROM signals WHERE received_at_us < 5");
            INFO(plan);
            CHECK(plan.find("signals_log_idx") != std::string::npos);
        }
    }
}

SCENARIO("the pipeline writes no index entry that no query reads", "[record][store]") {
    MigratedStore migrated;
    Database& database = migrated.database;

    GIVEN("a migrated store") {
        THEN("a family's decisions are read through the timeline index, the only one on family_id") {
            CHECK_FALSE(has_index(database, "plan_decisions_family_idx"));
            for (const char* query :
                 {"SELECT task_id FROM plan_decisions WHERE family_id = 'f'",
                  "SELECT decision_id FROM plan_decisions WHERE family_id = 'f' AND ref IS NOT NULL "
                  "ORDER BY decided_on, decided_at_us, seq, decision_id"}) {
                const std::string plan = plan_of(database, query);
                INFO(query << "\n" << plan);
                CHECK(plan.find("plan_decisions_timeline_idx") != std::string::npos);
            }
        }
        THEN("the parked list reads an index of the parked signals alone; a new signal enters none of it") {
            CHECK_FALSE(has_index(database, "signals_unplanned_idx"));
            const std::string plan = plan_of(database,
                                             "SELECT signal_id FROM signals WHERE planned_at_us IS NULL "
                                             "AND plan_parked_at_us IS NOT NULL ORDER BY plan_parked_at_us, signal_id");
            INFO(plan);
            CHECK(plan.find("signals_parked_idx") != std::string::npos);
        }
    }
}
