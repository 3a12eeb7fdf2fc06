// A one-connection HTTP server on loopback for tests of the hub's outbound clients: it reads one
// request, answers with a fixed head and then trickles a body, to show what a slow or endless
// answer does to the client.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

namespace eenplan::testing {

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

}  // namespace eenplan::testing
