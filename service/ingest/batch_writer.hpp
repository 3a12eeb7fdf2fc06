// Group commit for ingest: the HTTP worker threads validate and pseudonymise their signals
// concurrently, then hand the prepared signal here. Whoever finds no commit in flight becomes the
// writer: it takes every signal waiting (its own among them) and stores them in one transaction
// (RecordKeeper::record_batch); the signals that arrive meanwhile wait and form the next batch.
// Each caller returns only once the batch holding its signal has committed, so a 202 still means
// durable, while one fsync serves many signals. One writer at a time also means SQLite's write
// lock is never queued on by ingest threads.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>

#include "record/record_keeper.hpp"

namespace eenplan::service {

struct NewSignal;      // store/signal_store.hpp
struct InsertOutcome;  // store/signal_store.hpp

class BatchWriter {
public:
    explicit BatchWriter(RecordKeeper& records, std::size_t max_batch = 256)
        : records_(records), max_batch_(max_batch) {}

    // Stores and files one signal; returns after its batch committed. Throws what the batch threw
    // (StoreUnavailable: nothing of the batch is stored) or what this signal alone threw.
    InsertOutcome write(const NewSignal& signal, const RecordInput& input, std::int64_t now_us);

private:
    struct Waiter {
        BatchEntry entry;
        std::exception_ptr batch_error;
        bool done = false;
    };

    RecordKeeper& records_;
    const std::size_t max_batch_;
    std::mutex mutex_;
    std::condition_variable written_;
    std::deque<Waiter*> waiting_;
    bool writing_ = false;
};

}  // namespace eenplan::service
