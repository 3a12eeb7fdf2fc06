// What per-family payload keys cost at ingest (docs/retention.md): on a SQLite store
// (synchronous=FULL, as the service runs it), one durable write transaction storing a signal's
// envelope (about 300 bytes) as it is, against the same transaction sealing it first — under a
// new owner (its key is made, wrapped and stored) and under an owner that has one — and opening
// it again; with the keys in the main store and in a key store of their own. Microseconds each.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <string>

#include "eenplan/core/key_ring.hpp"
#include "retention/payload_keys.hpp"
#include "store/database.hpp"
#include "store/write_transaction.hpp"

using namespace eenplan;
using namespace eenplan::service;
using Stopwatch = std::chrono::steady_clock;

namespace {

const std::string envelope =
    R"({"type":"absence.reported","occurred_at":"2026-10-01T08:00:00Z","school":{"brin":"12AB","gemeentecode":)"
    R"("GM0518"},"data":{"absence_kind":"ongeoorloofd","from":"2026-09-28","until":"2026-10-01","lessons":12,)"
    R"("note_code":"a1","reported_by":"administratie","source_reference":"parnassys-000000000000"}})";

double micros_per(Stopwatch::time_point start, int n) {
    return std::chrono::duration<double, std::micro>(Stopwatch::now() - start).count() / n;
}

void measure(const char* label, Database& main, Database* key_store, const KeyRing& tenant, int n) {
    PayloadKeys keys(key_store, tenant);
    keys.prepare();
    std::vector<std::string> sealed(n);
    const std::string table = std::string("bench_") + (key_store ? "apart" : "main");
    main.with_session([&](soci::session& sql) {
        sql << "CREATE TABLE " + table + " (id TEXT PRIMARY KEY, v TEXT NOT NULL)";
        return 0;
    });
    // pass 0: as it is; pass 1: sealed under a new owner; pass 2: under the same owners again.
    double per[3] = {0, 0, 0};
    for (int pass = 0; pass < 3; ++pass) {
        const auto start = Stopwatch::now();
        main.with_session([&](soci::session& sql) {
            for (int i = 0; i < n; ++i) {
                in_write_transaction(sql, main.backend(), [&] {
                    const std::string id = std::to_string(pass) + "-" + std::to_string(i);
                    std::string value = envelope;
                    if (pass > 0) {
                        value = keys.seal(sql, pupil_owner(std::string(label) + std::to_string(i)), "signals",
                                          std::to_string(i), "envelope", envelope);
                        sealed[i] = value;
                    }
                    sql << "INSERT INTO " + table + " (id, v) VALUES (:i, :v)", soci::use(id), soci::use(value);
                });
            }
            return 0;
        });
        per[pass] = micros_per(start, n);
    }
    const double plain = per[0], new_owner = per[1], known_owner = per[2];
    auto start = Stopwatch::now();
    start = Stopwatch::now();
    main.with_session([&](soci::session& sql) {
        for (int i = 0; i < n; ++i) {
            if (!keys.open(sql, "signals", std::to_string(i), "envelope", sealed[i])) throw std::runtime_error("open");
        }
        return 0;
    });
    const double open = micros_per(start, n);
    std::cout << label << ": store as it is " << plain << " us, sealed under a new owner " << new_owner
              << " us, under a known owner " << known_owner << " us; open " << open << " us (" << n << " each)\n";
}

}  // namespace

int main(int argc, char** argv) {
    const int n = argc > 1 ? std::stoi(argv[1]) : 2000;
    const auto dir = std::filesystem::temp_directory_path() / ("eenplan-payload-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    DatabaseConfig main_config{Backend::sqlite, "db=" + (dir / "main.db").string(), 2, 30};
    DatabaseConfig keys_config{Backend::sqlite, "db=" + (dir / "keys.db").string(), 2, 30};
    Database main(main_config);
    main.migrate();
    Database key_store(keys_config);
    auto tenant = KeyRing::create({VersionedKey(1, Bytes(32, 7))}, 1);
    measure("keys in the main store", main, nullptr, tenant.value(), n);
    measure("keys in a key store of their own", main, &key_store, tenant.value(), n);
    std::filesystem::remove_all(dir);
}
