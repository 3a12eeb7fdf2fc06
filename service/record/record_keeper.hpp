// Stores a signal and files it on its pupil and family records in one transaction, so a signal
// acknowledged with 202 is always linked, and a failure leaves neither. The decisions are the
// core's (eenplan/core/record/); this class fetches what they need and writes what they decide.
#pragma once

#include <cstdint>
#include <exception>
#include <filesystem>
#include <vector>

#include "config/config.hpp"
#include "record/record_input.hpp"
#include "common/store_types.hpp"
#include "eenplan/core/sealed_text.hpp"

namespace eenplan::service {

struct NewSignal;      // store/signal_store.hpp
struct InsertOutcome;  // store/signal_store.hpp
class Metrics;         // observability/metrics.hpp
class LinkLookups;     // record_keeper.cpp: the batch's identifier owners, read at once

// One signal of a batch (record_batch): what to store, and how it ended: stored (inserted, or found
// stored before) with the row's ids once the batch committed, or its own error (the others are
// stored without it).
struct BatchEntry {
    const NewSignal* signal = nullptr;
    const RecordInput* input = nullptr;
    std::int64_t now_us = 0;
    bool stored = false;
    bool inserted = false;
    SignalIds ids;
    std::exception_ptr error;
};

class RecordKeeper {
public:
    // `sealer` seals the reason of a merge the hub makes itself (core/sealed_text.hpp).
    RecordKeeper(Database& database, const LinkageConfig& linkage, const TextSealer& sealer)
        : database_(database), linkage_(linkage), sealer_(sealer) {}

    // Group commit: stores and files every entry in ONE transaction, the identifiers of the whole
    // batch looked up in one query. On PostgreSQL the common batch (signals with identifiers, no
    // household or move) is two round trips whatever its size: one query reads the signals stored
    // before, the records of its identifiers and their payload keys, and one statement writes every
    // row (and commits); a batch with a signal that reads records runs in a transaction. An entry whose own statements fail gets that error and the
    // batch runs again without it; a duplicate (source, webhook-id), within the batch or stored
    // before, gets the stored row's ids and `inserted` false. Throws (StoreUnavailable, or the SQL
    // error) when the batch as a whole could not commit: then no entry is stored and no outcome set.
    void record_batch(const std::vector<BatchEntry*>& entries);

    // Test-only (testing.commit_hold_file): while this file exists, each batch waits just before
    // its COMMIT (before its one writing statement, when that is its commit) until the file is
    // removed or rewritten, after appending its size to "<file>.held"; the fault tests kill the
    // service there.
    void hold_commits_on(std::filesystem::path file) { hold_file_ = std::move(file); }

    // Counts the batches written again row by row (Metrics::count_ingest_row_by_row).
    void set_metrics(Metrics* metrics) { metrics_ = metrics; }

    [[nodiscard]] Backend backend() const;

private:
    InsertOutcome record_in(soci::session& sql, const NewSignal& signal, const RecordInput& input, std::int64_t now_us,
                            LinkLookups& lookups);
    // The common signal of a PostgreSQL batch, its rows kept in lookups.rows (record_keeper.cpp).
    InsertOutcome record_deferred(soci::session& sql, const NewSignal& signal, const RecordInput& input,
                                  std::int64_t now_us, LinkLookups& lookups);
    void hold_before_commit(std::size_t batch_size) const;

    Database& database_;
    const LinkageConfig& linkage_;
    const TextSealer& sealer_;
    std::filesystem::path hold_file_;
    Metrics* metrics_ = nullptr;
};

}  // namespace eenplan::service
