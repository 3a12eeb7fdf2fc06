// The rol lookup off the request threads: a fixed pool of lookup threads with a bounded queue in
// front of another RolLookup (the Zaken API). A notification handler waits for its own lookup at
// most `wait`; when the pool and its queue are full it is told so at once, and the Notificaties
// API retries later. So slow or many notifications can hold at most `threads` connections to a
// Zaken API, never the HTTP server's workers for longer than `wait`.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "inbound/zgw_rol_lookup.hpp"

namespace eenplan::inbound {

class BoundedRolLookup final : public RolLookup {
public:
    BoundedRolLookup(const RolLookup& inner, std::size_t threads, std::size_t max_queued,
                     std::chrono::milliseconds wait);
    ~BoundedRolLookup() override;
    BoundedRolLookup(const BoundedRolLookup&) = delete;
    BoundedRolLookup& operator=(const BoundedRolLookup&) = delete;

    RolReply fetch(const CheckedResourceUrl& url, const ZakenApi& api, std::int64_t now_s) const override;

private:
    void run();

    const RolLookup& inner_;
    std::size_t max_queued_;
    std::chrono::milliseconds wait_;
    mutable std::mutex mutex_;
    mutable std::condition_variable ready_;
    mutable std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace eenplan::inbound
