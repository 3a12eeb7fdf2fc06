// Group commit for ingest: the HTTP worker threads validate and pseudonymise their signals
// concurrently, then hand the prepared signal here. A caller that finds a writer's place free
// becomes a writer: it takes every signal waiting (its own among them) and stores them in one
// transaction (RecordKeeper::record_batch); the signals that arrive meanwhile wait and form the
// next batch. Each caller returns only once the batch holding its signal has committed, so a 202
// still means durable, while one commit serves many signals. SQLite gets one writer, so ingest
// threads never queue on its write lock. PostgreSQL one as well by default (ingest.batch_writers):
// the batch grows with the load instead, and each batch costs the server about the same whatever
// its size; more writers overlap one batch's round trips with another's commit (for a database far
// away), at the price of smaller batches and of concurrent batches that touch the same new pupil
// conflicting and running again row by row.
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
    // `writers`: how many batches may be in flight at once.
    BatchWriter(RecordKeeper& records, std::size_t writers, std::size_t max_batch = 256)
        : records_(records), writers_(writers), max_batch_(max_batch) {}

    // One writer on SQLite, whatever is configured: more would queue on its one write lock, past
    // its busy timeout under load. On PostgreSQL `configured` (ingest.batch_writers), else one,
    // the cheapest per signal and the shortest pipeline lag of one, two and four in the same window
    // (docs/benchmarks/ingest.md, "The ceiling, the read's plan, one batch writer, ...").
    static std::size_t writers_for(Backend backend, std::size_t configured) {
        if (backend == Backend::sqlite) return 1;
        return configured > 0 ? configured : 1;
    }

    // Stores and files one signal; returns after its batch committed. Throws what the batch threw
    // (StoreUnavailable: nothing of the batch is stored) or what this signal alone threw.
    InsertOutcome write(const NewSignal& signal, const RecordInput& input, std::int64_t now_us);

private:
    struct Waiter {
        BatchEntry entry;
        std::exception_ptr batch_error;
        bool taken = false;  // by a writer
        bool done = false;
        std::condition_variable wake;  // done, or a writer's place may be free
    };

    RecordKeeper& records_;
    const std::size_t writers_;
    const std::size_t max_batch_;
    std::mutex mutex_;
    std::deque<Waiter*> waiting_;
    std::size_t writing_ = 0;  // batches in flight
};

}  // namespace eenplan::service
