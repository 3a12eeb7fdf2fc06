// The rol lookup off the request threads: results pass through, a slow Zaken API costs a waiting
// handler at most its wait, and a full pool refuses at once instead of queueing without bound.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "inbound/bounded_rol_lookup.hpp"

using namespace eenplan::inbound;
using namespace std::chrono_literals;

namespace {

// A Zaken API that answers at once, or holds every lookup until released.
class FakeZakenApi final : public RolLookup {
public:
    explicit FakeZakenApi(bool hold) : hold_(hold) {}
    RolReply fetch(const CheckedResourceUrl& url, const ZakenApi&, std::int64_t) const override {
        ++calls;
        std::unique_lock lock(mutex_);
        released_.wait(lock, [&] { return !hold_; });
        return {RolReply::Status::ok, R"({"url":")" + url.path_and_query + R"("})", {}};
    }
    void release() {
        {
            std::lock_guard lock(mutex_);
            hold_ = false;
        }
        released_.notify_all();
    }
    mutable std::atomic<int> calls{0};

private:
    bool hold_;
    mutable std::mutex mutex_;
    mutable std::condition_variable released_;
};

const CheckedResourceUrl rol{"https", "zaken.x.nl", 443, "/zaken/api/v1/rollen/9"};
const ZakenApi api{"https://zaken.x.nl/zaken/api/v1", "eenplan", "secret"};

}  // namespace

SCENARIO("a lookup's answer passes through the pool", "[ingest]") {
    const FakeZakenApi zaken(false);
    const BoundedRolLookup bounded(zaken, 2, 4, 2s);
    const auto reply = bounded.fetch(rol, api, 0);
    CHECK(reply.status == RolReply::Status::ok);
    CHECK(reply.body.find("/rollen/9") != std::string::npos);
}

SCENARIO("a slow Zaken API costs a handler at most its wait, and a full pool refuses at once", "[ingest]") {
    FakeZakenApi zaken(true);
    {
        const BoundedRolLookup bounded(zaken, 1, 1, 200ms);
        const auto started = std::chrono::steady_clock::now();
        const auto first = bounded.fetch(rol, api, 0);  // taken by the one thread, held
        CHECK(first.status == RolReply::Status::unavailable);
        CHECK(std::chrono::steady_clock::now() - started < 2s);

        const auto second = bounded.fetch(rol, api, 0);  // queued behind it: fills the queue
        CHECK(second.status == RolReply::Status::unavailable);
        const auto third_started = std::chrono::steady_clock::now();
        const auto third = bounded.fetch(rol, api, 0);  // no room: refused without waiting
        CHECK(third.status == RolReply::Status::unavailable);
        CHECK(third.detail.find("too many") != std::string::npos);
        CHECK(std::chrono::steady_clock::now() - third_started < 150ms);
        zaken.release();
    }  // the pool finishes what it took before it goes
    CHECK(zaken.calls == 2);
}
