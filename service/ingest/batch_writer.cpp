#include "ingest/batch_writer.hpp"

#include <vector>

#include "store/signal_store.hpp"

namespace eenplan::service {

InsertOutcome BatchWriter::write(const NewSignal& signal, const RecordInput& input, std::int64_t now_us) {
    Waiter self;
    self.entry.signal = &signal;
    self.entry.input = &input;
    self.entry.now_us = now_us;
    std::unique_lock lock(mutex_);
    waiting_.push_back(&self);
    while (!self.done) {
        if (self.taken || writing_ >= writers_) {
            self.wake.wait(lock);
            continue;
        }
        // A writer's place is free: this thread writes every signal waiting, in arrival order.
        ++writing_;
        std::vector<Waiter*> batch;
        while (!waiting_.empty() && batch.size() < max_batch_) {
            batch.push_back(waiting_.front());
            batch.back()->taken = true;
            waiting_.pop_front();
        }
        lock.unlock();
        std::vector<BatchEntry*> entries;
        entries.reserve(batch.size());
        for (Waiter* w : batch) entries.push_back(&w->entry);
        std::exception_ptr failure;
        try {
            records_.record_batch(entries);
        } catch (...) {
            failure = std::current_exception();
        }
        lock.lock();
        --writing_;
        // Wakes the callers of this batch (only them: a wake-up per waiting thread per batch
        // would cost more than the batch saves), and the oldest waiting signal's caller, which
        // becomes the next writer.
        for (Waiter* w : batch) {
            w->batch_error = failure;
            w->done = true;
            if (w != &self) w->wake.notify_one();
        }
        if (!waiting_.empty()) waiting_.front()->wake.notify_one();
    }
    lock.unlock();
    if (self.batch_error) std::rethrow_exception(self.batch_error);
    if (self.entry.error) std::rethrow_exception(self.entry.error);
    return InsertOutcome{self.entry.inserted, std::move(self.entry.ids)};
}

}  // namespace eenplan::service
