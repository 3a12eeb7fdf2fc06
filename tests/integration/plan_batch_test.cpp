// The plan worker applies a batch of pending signals in one transaction, reading and writing each
// table once for the whole batch, on one or more threads: a signal that fails inside a batch is
// left out alone and counted while the others are planned; a batch decides what applying its
// signals one at a time decides (a family's signals each see the plan as the one before left it);
// with several worker threads (and on PostgreSQL two instances) every signal is applied exactly
// once, a pupil's signals in the order they arrived, and each decision is stamped when its signal
// was applied. The signals wait as a backlog first
// (stored by a service without a routeboek), so the workers start on many at once.
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <vector>

#include "delivery_fixture.hpp"
#include "eenplan/core/routeboek/calendar.hpp"
#include "support/dutch_days.hpp"
#include "support/files.hpp"

using namespace eenplan;
using namespace eenplan::testing;

namespace {

// An ongeoorloofd absence of pupil `pupil` from `from_days_ago` days ago to today.
std::string absence(int pupil, int from_days_ago) {
    return R"({"type":"absence.reported","occurred_at":")" + day_offset(0) + R"(T08:00:00Z","subject":{"bsn":")" +
           simulators::synthetic_bsn(500 + pupil) +
           R"("},"school":{"brin":"12AB","gemeentecode":"GM0518"},"data":{"absence_kind":"ongeoorloofd","from":")" +
           day_offset(-from_days_ago) + R"("}})";
}

long long count(const TestStore& store, const std::string& query) {
    auto sql = store.session();
    long long n = 0;
    *sql << query, soci::into(n);
    return n;
}

// Stores the signals (pupil, days of absence) in this order with a service in `dir` that keeps no
// plans; the planning services take its keys.
void store_backlog(const TestStore& store, const std::filesystem::path& dir,
                   const std::vector<std::pair<int, int>>& signals) {
    ServiceOptions options;
    options.extra_config = "ingest: {rate_limit: {enabled: false}}\n";
    ServiceProcess service(store, dir, options);
    integration::WebhookSender sender({service.signals_url("school-a"), std::nullopt, std::chrono::seconds(10)});
    int sent = 0;
    for (const auto& [pupil, days] : signals) {
        const auto r = sender.post("msg_backlog_" + std::to_string(++sent), Poco::Timestamp().epochTime(),
                                   absence(pupil, days), school_a().secret_bytes());
        REQUIRE(r.status == 202);
    }
}

ServiceOptions planning(const TempDir& backlog, int workers, int batch_size) {
    ServiceOptions options;
    options.keys_from = backlog.path();
    options.extra_config = "routeboek: " + shipped_routeboek_path() + "\nplan: {workers: " + std::to_string(workers) +
                           ", batch_size: " + std::to_string(batch_size) + "}\n";
    return options;
}

// An integer column as either store hands it back.
long long integer(const soci::row& row, std::size_t i) {
    switch (row.get_properties(i).get_data_type()) {
        case soci::dt_integer: return row.get<int>(i);
        case soci::dt_long_long: return row.get<long long>(i);
        case soci::dt_unsigned_long_long: return static_cast<long long>(row.get<unsigned long long>(i));
        default: return std::stoll(row.get<std::string>(i));
    }
}

// Per pupil, the instant each of its signals was applied (its rows' decided_at_us), in the order
// the signals arrived; and how many signals have rows from more than one application.
struct Applications {
    std::map<std::string, std::vector<long long>> by_pupil;
    long long applied_twice = 0;
    long long with_rows = 0;
};

Applications applications(const TestStore& store) {
    Applications out;
    auto sql = store.session();
    soci::rowset<soci::row> rows =
        (sql->prepare << "SELECT l.pupil_id, MIN(d.decided_at_us), COUNT(DISTINCT d.decided_at_us) FROM signals s "
                         "JOIN signal_links l ON l.signal_id = s.signal_id "
                         "JOIN plan_decisions d ON d.signal_id = s.signal_id "
                         "GROUP BY l.pupil_id, s.signal_id, s.received_at_us ORDER BY s.received_at_us, s.signal_id");
    for (const soci::row& row : rows) {
        out.by_pupil[row.get<std::string>(0)].push_back(integer(row, 1));
        if (integer(row, 2) > 1) ++out.applied_twice;
        ++out.with_rows;
    }
    return out;
}

}  // namespace

SCENARIO("a signal that fails inside a batch is left out alone; the others commit", "[plan][routeboek]") {
    TempDir dir;
    TestStore store(dir.path());
    TempDir backlog_dir;
    GIVEN("8 new pupils' absences waiting, and among them a signal of a pupil whose stored plan cannot be read") {
        std::vector<std::pair<int, int>> backlog;
        for (int pupil = 0; pupil < 8; ++pupil) backlog.emplace_back(pupil, 30);
        store_backlog(store, backlog_dir.path(), backlog);
        {
            auto sql = store.session();
            soci::transaction tx(*sql);
            long long first = 0, last = 0;
            *sql << "SELECT MIN(received_at_us), MAX(received_at_us) FROM signals", soci::into(first), soci::into(last);
            const long long middle = first + (last - first) / 2;
            *sql << "INSERT INTO plans (family_id, routeboek_id, state, updated_at_us) "
                    "VALUES ('pupil-broken', 'haaglanden-po', '{not json', 1)";
            *sql << "INSERT INTO signals (signal_id, source_id, webhook_id, correlation_id, type, occurred_at, "
                    "received_at_us, subject_kind, subject_pseudonym, envelope) VALUES ('poisoned', 'school-a', "
                    "'poisoned', 'c', 'absence.reported', '2026-01-01T08:00:00Z', :r, 'bsn', 'kp1:1:x', '{}')",
                soci::use(middle);
            *sql << "INSERT INTO signal_links (signal_id, pupil_id, rule, score, evidence, linked_at_us) "
                    "VALUES ('poisoned', 'broken', 'test', 1.0, '{}', 1)";
            tx.commit();
        }
        WHEN("the plan worker takes them in one batch") {
            TempDir service_dir;
            ServiceProcess service(store, service_dir.path(), planning(backlog_dir, 1, 50));
            THEN("the 8 are planned, each stamped when it was applied, and the failing one is counted") {
                REQUIRE(eventually(
                    [&] { return count(store, "SELECT COUNT(*) FROM signals WHERE planned_at_us IS NOT NULL") == 8; },
                    30));
                CHECK(count(store,
                            "SELECT COUNT(*) FROM signals WHERE signal_id = 'poisoned' AND planned_at_us IS "
                            "NULL AND plan_attempts >= 1") == 1);
                CHECK(count(store, "SELECT COUNT(*) FROM plan_decisions WHERE signal_id = 'poisoned'") == 0);
                CHECK(count(store, "SELECT COUNT(*) FROM plan_decisions WHERE entry = 'decision'") >= 8);
                const Applications applied = applications(store);
                CHECK(applied.with_rows == 8);
                CHECK(applied.applied_twice == 0);
                // One worker applies them in the order they arrived, each at its own instant.
                std::vector<long long> instants;
                {
                    auto sql = store.session();
                    soci::rowset<long long> rows =
                        (sql->prepare << "SELECT MIN(d.decided_at_us) FROM signals s JOIN plan_decisions d ON "
                                         "d.signal_id = s.signal_id GROUP BY s.signal_id, s.received_at_us "
                                         "ORDER BY s.received_at_us, s.signal_id");
                    instants.assign(rows.begin(), rows.end());
                }
                REQUIRE(instants.size() == 8);
                for (std::size_t i = 1; i < instants.size(); ++i) CHECK(instants[i] > instants[i - 1]);
                // The metrics count a failure after its batch's commit.
                CHECK(eventually(
                    [&] {
                        const std::string metrics = service.request("GET", "/metrics").body;
                        const std::string failures = "eenplan_plan_failures_total{kind=\"signal\"} ";
                        const auto at = metrics.find(failures);
                        return at != std::string::npos && std::stod(metrics.substr(at + failures.size())) >= 1;
                    },
                    10));
            }
        }
    }
}

SCENARIO("several plan worker threads apply every signal once, a pupil's in order", "[plan][routeboek]") {
    TempDir dir;
    TestStore store(dir.path());
    TempDir backlog_dir;
    GIVEN("a backlog of 4 absences each of 12 new pupils, interleaved") {
        std::vector<std::pair<int, int>> backlog;
        for (int round = 0; round < 4; ++round) {
            for (int pupil = 0; pupil < 12; ++pupil) backlog.emplace_back(pupil, 30 + round);
        }
        store_backlog(store, backlog_dir.path(), backlog);
        WHEN("one instance with three worker threads applies them in small batches") {
            TempDir service_dir;
            ServiceProcess service(store, service_dir.path(), planning(backlog_dir, 3, 4));
            THEN("all are planned, each once, and each pupil's in the order they arrived") {
                REQUIRE(eventually(
                    [&] { return count(store, "SELECT COUNT(*) FROM signals WHERE planned_at_us IS NOT NULL") == 48; },
                    60));
                const Applications applied = applications(store);
                CHECK(applied.with_rows == 48);
                CHECK(applied.applied_twice == 0);
                CHECK(applied.by_pupil.size() == 12);
                for (const auto& [pupil, instants] : applied.by_pupil) {
                    CHECK(instants.size() == 4);
                    for (std::size_t i = 1; i < instants.size(); ++i) CHECK(instants[i] > instants[i - 1]);
                }
            }
        }
        if (store.is_postgresql()) {
            WHEN("two instances with two worker threads each take them at once") {
                TempDir first_dir, second_dir;
                ServiceProcess first(store, first_dir.path(), planning(backlog_dir, 2, 4));
                ServiceProcess second(store, second_dir.path(), planning(backlog_dir, 2, 4));
                THEN("every signal is planned exactly once") {
                    REQUIRE(eventually(
                        [&] {
                            return count(store, "SELECT COUNT(*) FROM signals WHERE planned_at_us IS NOT NULL") == 48;
                        },
                        60));
                    const Applications applied = applications(store);
                    CHECK(applied.with_rows == 48);
                    CHECK(applied.applied_twice == 0);
                    // Each pupil has one plan, holding its four signals' lines.
                    CHECK(count(store, "SELECT COUNT(*) FROM plans") == 12);
                }
            }
        }
    }
}

namespace {

// What the plan worker decided, by the signal each row came from (its webhook-id, the same in every
// store the backlog went to) and its place among that signal's rows; the tasks' types and due dates.
std::vector<std::string> decided(const TestStore& store) {
    std::vector<std::string> out;
    auto sql = store.session();
    soci::rowset<soci::row> rows =
        (sql->prepare << "SELECT s.webhook_id, d.entry, d.kind, d.rule, d.seq, COALESCE(d.due_date, ''), "
                         "COALESCE(d.table_id, '') FROM plan_decisions d JOIN signals s ON s.signal_id = d.signal_id "
                         "ORDER BY s.webhook_id, d.seq");
    for (const soci::row& row : rows) {
        out.push_back(row.get<std::string>(0) + " " + row.get<std::string>(1) + " " + row.get<std::string>(2) + " " +
                      row.get<std::string>(3) + " " + std::to_string(integer(row, 4)) + " " + row.get<std::string>(5) +
                      " " + row.get<std::string>(6));
    }
    soci::rowset<soci::row> tasks = (sql->prepare << "SELECT type, due_date FROM tasks ORDER BY type, due_date");
    for (const soci::row& row : tasks) out.push_back("task " + row.get<std::string>(0) + " " + row.get<std::string>(1));
    return out;
}

}  // namespace

SCENARIO("a batch decides what applying its signals one at a time decides", "[plan][routeboek]") {
    GIVEN("the same backlog of 3 pupils' growing absences, 5 each and interleaved, in two stores") {
        std::vector<std::pair<int, int>> backlog;
        for (const int days : {20, 30, 45, 60, 90}) {
            for (int pupil = 0; pupil < 3; ++pupil) backlog.emplace_back(pupil, days);
        }
        TempDir batched_dir, single_dir, batched_backlog, single_backlog;
        TestStore batched(batched_dir.path());
        TestStore single(single_dir.path());
        store_backlog(batched, batched_backlog.path(), backlog);
        store_backlog(single, single_backlog.path(), backlog);
        WHEN("one store's worker applies all 15 in one batch and the other's one signal per batch") {
            {
                TempDir service_dir;
                ServiceProcess service(batched, service_dir.path(), planning(batched_backlog, 1, 50));
                REQUIRE(eventually(
                    [&] { return count(batched, "SELECT COUNT(*) FROM signals WHERE planned_at_us IS NULL") == 0; },
                    30));
            }
            {
                TempDir service_dir;
                ServiceProcess service(single, service_dir.path(), planning(single_backlog, 1, 1));
                const bool done = eventually(
                    [&] { return count(single, "SELECT COUNT(*) FROM signals WHERE planned_at_us IS NULL") == 0; }, 30);
                if (!done) FAIL(service.log_text());
            }
            THEN("both hold the same decisions, timeline lines and tasks, and one plan per pupil") {
                const std::vector<std::string> in_batch = decided(batched);
                CHECK(in_batch.size() > 15);  // every signal's line, and the decisions of the growing absences
                CHECK(count(batched, "SELECT COUNT(*) FROM plan_decisions WHERE kind = 'task'") >= 3);
                CHECK(in_batch == decided(single));
                CHECK(count(batched, "SELECT COUNT(*) FROM plans") == 3);
                CHECK(count(single, "SELECT COUNT(*) FROM plans") == 3);
            }
        }
    }
}
