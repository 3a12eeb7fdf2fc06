// A municipality's register of 100 000 children of school age reconciled against the hub's
// enrolments (docs/benchmarks/registration.md): a SQLite store with a pupil record and a plan for
// 90 % of them (80 % enrolled today, 10 % de-enrolled without a new school), 10 % unknown to the
// hub; the list sent as hub pseudonyms in parts of 10 000, as the endpoint takes them. Reports the
// wall time of the store path (plan/reconciler.cpp) and of the pure core step alone, and the
// process's peak resident memory. With "run" as the second argument, the list goes through the run
// API instead (parts stored, then the whole list reconciled at finish and the parts deleted).
#include <sys/resource.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "common/system_clock.hpp"
#include "config/config.hpp"
#include "eenplan/core/registration/reconciliation.hpp"
#include "identity/hub_pseudonymiser.hpp"
#include "plan/plan_codec.hpp"
#include "plan/reconciler.hpp"
#include "store/database.hpp"
#include "store/write_transaction.hpp"
#include "support/shipped_routeboek.hpp"

using namespace eenplan;
using namespace eenplan::service;
using Stopwatch = std::chrono::steady_clock;

namespace {

long peak_rss_kib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

double seconds_since(Stopwatch::time_point start) {
    return std::chrono::duration<double>(Stopwatch::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    const int children = argc > 1 ? std::stoi(argv[1]) : 100'000;
    const bool through_run = argc > 2 && std::string(argv[2]) == "run";  // else part by part, nothing stored
    const int part_size = 10'000;
    const VersionedKey key(1, Bytes(32, 0x5a));
    const KeyedPseudonymiser hub_key(key);
    const auto today = routeboek::dutch_day(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));

    const auto dir =
        std::filesystem::temp_directory_path() / ("eenplan-reconciliation-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    DatabaseConfig config;
    config.backend = Backend::sqlite;
    config.connection = "db=" + (dir / "bench.db").string();
    Database database(config);
    database.migrate();

    std::vector<std::string> list;
    list.reserve(static_cast<std::size_t>(children));
    const auto setup = Stopwatch::now();
    database.with_session([&](soci::session& sql) {
        return in_write_transaction(sql, database.backend(), [&] {
            for (int i = 0; i < children; ++i) {
                const std::string pseudonym = hub_key.pseudonym("hub", "bsn", std::to_string(100'000'000 + i));
                list.push_back(pseudonym);
                if (i % 10 == 9) continue;  // unknown to the hub
                const std::string pupil = "pupil-" + std::to_string(i);
                const long long zero = 0;
                sql << "INSERT INTO pupils (pupil_id, created_at_us) VALUES (:p, :t)", soci::use(pupil),
                    soci::use(zero);
                sql << "INSERT INTO pupil_identifiers (pseudonym, kind, pupil_id, signal_id, added_at_us) "
                       "VALUES (:s, 'bsn', :p, 'bench', :t)",
                    soci::use(pseudonym), soci::use(pupil), soci::use(zero);
                routeboek::PlanState plan;
                plan.family_id = "pupil-" + pupil;
                routeboek::Enrolment enrolment{pupil,        "12AB", "GM0603", routeboek::add_days(today, -300),
                                               std::nullopt, "po",   {}};
                if (i % 10 == 8) enrolment.end = routeboek::add_days(today, -40);  // de-enrolled, no new school
                plan.enrolments.push_back(enrolment);
                const std::string state = encode_plan(plan);
                sql << "INSERT INTO plans (family_id, routeboek_id, state, updated_at_us) VALUES (:f, 'bench', :s, :t)",
                    soci::use(plan.family_id), soci::use(state), soci::use(zero);
            }
            return 0;
        });
    });
    std::cout << "store: " << children << " children, " << (children - children / 10)
              << " pupil records and plans, set up in " << seconds_since(setup) << " s; peak RSS "
              << peak_rss_kib() / 1024 << " MiB\n";

    const HubPseudonymiser pseudonymiser(KeyRing::create({key}, 1).value(), std::nullopt);
    Reconciler reconciler(database, pseudonymiser, testing::shipped_routeboek(), key);
    if (through_run) {
        // The run API as the endpoint drives it: create, the parts stored one by one, finish (the
        // whole list reconciled at once, counts and proof written, parts deleted).
        const auto started = Stopwatch::now();
        const int parts = (children + part_size - 1) / part_size;
        const std::int64_t now_us = system_clock().now_us();
        const RunOutcome created = reconciler.create_run("bench", "GM0603", parts, now_us, now_us + 3'600'000'000LL);
        for (int p = 0; p < parts; ++p) {
            const auto from = list.begin() + static_cast<std::ptrdiff_t>(p) * part_size;
            const auto to = list.begin() + std::min<std::ptrdiff_t>(static_cast<std::ptrdiff_t>(p + 1) * part_size,
                                                                    static_cast<std::ptrdiff_t>(list.size()));
            const RunOutcome added =
                reconciler.add_part("bench", created.run.run_id, p + 1, std::vector<std::string>(from, to), now_us);
            if (added.refusal != RunRefusal::none) {
                std::cerr << "part refused: " << added.detail << "\n";
                return 1;
            }
        }
        const double upload_seconds = seconds_since(started);
        const auto finishing = Stopwatch::now();
        const RunOutcome finished =
            reconciler.finish("bench", created.run.run_id, system_clock().today(), system_clock().now_us());
        if (finished.refusal != RunRefusal::none) {
            std::cerr << "finish refused: " << finished.detail << "\n";
            return 1;
        }
        const double finish_seconds = seconds_since(finishing);
        long long parts_left = -1;
        database.with_session([&](soci::session& sql) {
            sql << "SELECT COUNT(*) FROM reconciliation_parts", soci::into(parts_left);
            return 0;
        });
        const auto& c = finished.run.counts;
        std::cout << "reconciliation through the run API: " << parts << " parts stored in " << upload_seconds
                  << " s, finished in " << finish_seconds << " s, " << (upload_seconds + finish_seconds)
                  << " s in all (" << (children / (upload_seconds + finish_seconds)) << " children/s); listed "
                  << c.listed << ", enrolled " << c.enrolled << ", without enrolment " << c.without_enrolment() << " ("
                  << c.known_not_enrolled << " known, " << c.unknown << " unknown), answered "
                  << finished.answer.without_enrolment.size() << "; parts left in the store " << parts_left
                  << "; peak RSS " << peak_rss_kib() / 1024 << " MiB\n";
        std::filesystem::remove_all(dir);
        return parts_left == 0 && c.listed == static_cast<std::size_t>(children) ? 0 : 1;
    }
    registration::ReconciliationCounts totals;
    std::size_t answered = 0;
    const auto run = Stopwatch::now();
    for (std::size_t at = 0; at < list.size(); at += part_size) {
        ReconciliationRequest part{
            "GM0603",
            std::vector<std::string>(list.begin() + static_cast<std::ptrdiff_t>(at),
                                     list.begin() + static_cast<std::ptrdiff_t>(std::min(list.size(), at + part_size))),
            system_clock().today()};
        auto answer = reconciler.reconcile(part);
        if (!answer) {
            std::cerr << "refused: " << answer.problems().front().detail << "\n";
            return 1;
        }
        totals += answer->counts;
        answered += answer->without_enrolment.size();
    }
    const double store_seconds = seconds_since(run);
    std::cout << "reconciliation through the store: " << store_seconds << " s (" << (children / store_seconds)
              << " children/s); listed " << totals.listed << ", enrolled " << totals.enrolled << ", without enrolment "
              << totals.without_enrolment() << " (" << totals.known_not_enrolled << " known, " << totals.unknown
              << " unknown), answered " << answered << "; peak RSS " << peak_rss_kib() / 1024 << " MiB\n";

    // The pure step alone: the same list against an in-memory status.
    std::vector<registration::ListedChild> listed;
    listed.reserve(list.size());
    for (const std::string& entry : list) listed.push_back({entry, entry});
    std::size_t index = 0;
    const auto core = Stopwatch::now();
    const auto pure = registration::reconcile(
        listed,
        [&](const std::string&) {
            const std::size_t i = index++;
            return i % 10 == 9   ? registration::ChildStatus::unknown
                   : i % 10 == 8 ? registration::ChildStatus::not_enrolled
                                 : registration::ChildStatus::enrolled;
        },
        hub_key, "gm0603-leerplicht");
    std::cout << "core step alone (recipient pseudonyms, digest): " << seconds_since(core) << " s for "
              << pure.counts.listed << " children, " << pure.without_enrolment.size() << " answered; peak RSS "
              << peak_rss_kib() / 1024 << " MiB\n";
    std::filesystem::remove_all(dir);
    return totals.without_enrolment() == pure.counts.without_enrolment() ? 0 : 1;
}
