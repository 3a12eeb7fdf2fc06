// The rol lookup: the Zaken API fetch is bounded in time and size, and runs off the request
// threads: results pass through, a slow Zaken API costs a waiting handler at most its wait, and a
// full pool refuses at once instead of queueing without bound.
#include <catch2/catch.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

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

namespace {

// A one-connection HTTP server on loopback that answers every request with `head` and then
// trickles `body_bytes` bytes, one chunk every `pause`.
class TrickleServer {
public:
    TrickleServer(std::string head, std::size_t body_bytes, std::chrono::milliseconds pause)
        : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)), head_(std::move(head)), body_bytes_(body_bytes),
          pause_(pause), thread_([this] { serve(); }) {}
    ~TrickleServer() {
        stop_ = true;
        thread_.join();
    }
    [[nodiscard]] std::uint16_t port() const { return socket_.address().port(); }

private:
    void serve() {
        try {
            socket_.setReceiveTimeout(Poco::Timespan(3, 0));
            Poco::Net::StreamSocket client = socket_.acceptConnection();
            std::array<char, 4096> request{};
            (void)client.receiveBytes(request.data(), static_cast<int>(request.size()));
            client.sendBytes(head_.data(), static_cast<int>(head_.size()));
            const std::string chunk(1024, 'x');
            for (std::size_t sent = 0; sent < body_bytes_ && !stop_; sent += chunk.size()) {
                client.sendBytes(chunk.data(), static_cast<int>(chunk.size()));
                std::this_thread::sleep_for(pause_);
            }
        } catch (const Poco::Exception&) {
            // the client went away: what the tests expect
        }
    }

    Poco::Net::ServerSocket socket_;
    std::string head_;
    std::size_t body_bytes_;
    std::chrono::milliseconds pause_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

CheckedResourceUrl on(const TrickleServer& server) { return {"http", "127.0.0.1", server.port(), "/zaken/api/v1/rollen/9"}; }

}  // namespace

SCENARIO("the Zaken API fetch has an overall deadline and a bounded body", "[ingest][security]") {
    const ZakenApiRolLookup lookup(std::chrono::milliseconds(500), 8 * 1024);
    GIVEN("a Zaken API that answers a small rol") {
        const std::string rol = R"({"betrokkeneType":"natuurlijk_persoon"})";
        TrickleServer server("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                                 std::to_string(rol.size()) + "\r\nConnection: close\r\n\r\n" + rol,
                             0, 0ms);
        const auto reply = lookup.fetch(on(server), api, 0);
        CHECK(reply.status == RolReply::Status::ok);
        CHECK(reply.body == rol);
    }
    GIVEN("a Zaken API that sends an endless body fast") {
        TrickleServer server("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n",
                             1024 * 1024, 0ms);
        const auto reply = lookup.fetch(on(server), api, 0);
        CHECK(reply.status == RolReply::Status::unavailable);
        CHECK(reply.body.empty());
    }
    GIVEN("a Zaken API that trickles its body slowly, each read within the socket timeout") {
        TrickleServer server("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n", 7 * 1024,
                             150ms);
        const auto started = std::chrono::steady_clock::now();
        const auto reply = lookup.fetch(on(server), api, 0);
        CHECK(reply.status == RolReply::Status::unavailable);
        CHECK(std::chrono::steady_clock::now() - started < 1500ms);  // the deadline, not 7 reads' worth
    }
    GIVEN("a Zaken API that announces a larger body") {
        TrickleServer server("HTTP/1.1 200 OK\r\nContent-Length: 999999\r\nConnection: close\r\n\r\n", 0, 0ms);
        CHECK(lookup.fetch(on(server), api, 0).status == RolReply::Status::unavailable);
    }
}
