// The HTTP(S) server: Poco's request parsing and handlers, with its own connection handling so that
// slow or idle clients cannot take the worker threads (slow-loris, issue 12).
//
// One gate thread accepts and watches every connection that has not yet sent a whole request header
// (epoll, edge-triggered, peeking without reading): only a connection whose header is in the kernel's
// buffer (for TLS, whose first TLS record is) is queued for a worker. A connection that does not get
// there within `header_timeout_ms` is closed, and so is the oldest one when `max_pending` are waiting.
// A worker reads the request (the TLS handshake, header and body) within `request_read_timeout_ms`,
// after which the gate shuts the connection's receiving side; a kept-alive connection goes back to
// the gate for its next request, for at most `keep_alive_idle_ms` and `keep_alive_max_requests`.
// A request Poco cannot parse (a bare CR, a header over Poco's limits) is answered 400 problem+json.
#pragma once

#include <atomic>
#include <cstdint>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include "config/config.hpp"
#include "observability/metrics.hpp"

namespace eenplan::service {

class HttpServer {
public:
    HttpServer(Poco::Net::HTTPRequestHandlerFactory::Ptr factory, Poco::Net::ServerSocket socket, bool tls, int threads,
               const ConnectionLimits& limits, Metrics& metrics);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    void start();
    // Stops accepting, closes the waiting connections, ends the reading of requests still being
    // read, and lets each worker finish (answer) the request it is handling.
    void stop();
    [[nodiscard]] Poco::UInt16 port() const { return socket_.address().port(); }

private:
    struct Connection {
        Poco::Net::StreamSocket socket;
        int served = 0;  // requests answered on it so far
    };
    struct Waiting {
        Connection connection;
        long long deadline_ms;
        long long since_ms;
        bool kept_alive;  // back for its next request: idle until its first byte
        bool seen_byte;
    };
    struct Busy {
        long long deadline_ms;
        bool expired;
    };
    enum class Readiness { waiting, ready, gone };

    void gate();
    void accept_some(long long now_ms);
    void watch(Connection connection, bool kept_alive, long long now_ms);
    void check(int fd, std::uint32_t events, long long now_ms);
    [[nodiscard]] Readiness readiness(int fd, Waiting& waiting, long long now_ms);
    void close_waiting(int fd, const char* reason);
    void close_oldest_waiting(const char* reason);
    void enforce_deadlines(long long now_ms);
    void wake_gate() const;

    void work();
    void serve(Connection connection);
    // One request on the session; true when the connection may carry another.
    bool serve_one(class ConnectionSession& session, int fd, int served);
    [[nodiscard]] bool cut_short(int fd);
    void begin_request(int fd);
    // True when the gate had to cut the request short (the connection must not be reused).
    bool end_request(int fd);

    Poco::Net::HTTPRequestHandlerFactory::Ptr factory_;
    Poco::Net::ServerSocket socket_;
    bool tls_;
    int threads_;
    ConnectionLimits limits_;
    Metrics& metrics_;
    Poco::Net::HTTPServerParams::Ptr params_;

    int epoll_ = -1;
    int wake_ = -1;                   // eventfd: a worker gave a connection back, or stop()
    std::map<int, Waiting> waiting_;  // gate thread only
    std::vector<char> peek_;          // gate thread only

    std::mutex mutex_;  // guards returned_, queue_, busy_ and the flags below
    std::condition_variable queued_;
    std::vector<Connection> returned_;  // kept-alive connections back from workers
    std::deque<Connection> queue_;      // whole headers waiting for a worker
    std::map<int, Busy> busy_;          // connections a worker is reading from
    std::atomic<bool> accepting_{false};
    bool stopping_workers_ = false;
    std::atomic<bool> stopping_gate_{false};

    std::thread gate_thread_;
    std::vector<std::thread> workers_;
};

}  // namespace eenplan::service
