// The rol lookup: the Zaken API fetch is bounded in time and size. (It runs on the notification
// worker, never on a request thread: zgw_notification_worker_test and inbound_http_test.)
#include <catch2/catch.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <thread>

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include "inbound/zgw_rol_lookup.hpp"

using namespace eenplan::inbound;
using namespace std::chrono_literals;

namespace {

// A one-connection HTTP server on loopback that answers every request with `head` and then
// trickles `body_bytes` bytes, one chunk every `pause`.
class TrickleServer {
public:
    TrickleServer(std::string head, std::size_t body_bytes, std::chrono::milliseconds pause)
        : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)),
          head_(std::move(head)),
          body_bytes_(body_bytes),
          pause_(pause),
          thread_([this] { serve(); }) {}
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

const ZakenApi api{"http://127.0.0.1/zaken/api/v1", "eenplan", "secret"};

CheckedResourceUrl on(const TrickleServer& server) {
    return {"http", "127.0.0.1", server.port(), "/zaken/api/v1/rollen/9"};
}

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
