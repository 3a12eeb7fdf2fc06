#include "inbound/bounded_rol_lookup.hpp"

#include <future>
#include <memory>

namespace eenplan::inbound {

BoundedRolLookup::BoundedRolLookup(const RolLookup& inner, std::size_t threads, std::size_t max_queued,
                                   std::chrono::milliseconds wait)
    : inner_(inner), max_queued_(max_queued), wait_(wait) {
    for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

BoundedRolLookup::~BoundedRolLookup() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    ready_.notify_all();
    for (std::thread& t : threads_) t.join();
}

void BoundedRolLookup::run() {
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock lock(mutex_);
            ready_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
            if (jobs_.empty()) return;  // stopping, and nothing left to do
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        job();
    }
}

RolReply BoundedRolLookup::fetch(const CheckedResourceUrl& url, const ZakenApi& api, std::int64_t now_s) const {
    // The job owns copies of its inputs: a handler that stops waiting leaves it to finish alone.
    auto task = std::make_shared<std::packaged_task<RolReply()>>(
        [this, url, api, now_s] { return inner_.fetch(url, api, now_s); });
    std::future<RolReply> reply = task->get_future();
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || jobs_.size() >= max_queued_) {
            return {RolReply::Status::unavailable, {}, "too many rol lookups are in progress; try again later"};
        }
        jobs_.emplace_back([task] { (*task)(); });
    }
    ready_.notify_one();
    if (reply.wait_for(wait_) != std::future_status::ready) {
        return {RolReply::Status::unavailable, {}, "the rol lookup did not finish in time"};
    }
    return reply.get();
}

}  // namespace eenplan::inbound
