// Slow and idle clients against the real binary over loopback (issue 12, finding 4): connections that
// dribble their header never reach a worker thread, so signed signals keep getting 202 while they
// hang, and the hub closes them; a slow body holds a worker only for the read deadline; keep-alive
// is capped; and a request Poco cannot parse is answered 400 problem+json.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>

#include "eenplan/core/standard_webhooks.hpp"
#include "outbound/webhook_sender.hpp"
#include "support/service_process.hpp"
#include "synthetic_people.hpp"

using namespace eenplan::testing;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// A complete signed ingest request for school-a with a fresh webhook-id.
std::string signed_request(const std::string& webhook_id, int person, bool keep_alive = false) {
    const std::string body =
        R"({"type":"absence.reported","occurred_at":"2026-11-20T08:30:00Z","subject":{"bsn":")" +
        eenplan::simulators::synthetic_bsn(person) +
        R"("},"school":{"brin":"12AB","gemeentecode":"GM0518"},"data":{"absence_kind":"ongeoorloofd",)"
        R"("from":"2026-11-16","to":"2026-11-20","hours":12.5}})";
    const std::int64_t ts = Poco::Timestamp().epochTime();
    const std::string signature = eenplan::webhooks::sign(school_a().secret_bytes(), webhook_id, ts, body);
    return "POST /v1/sources/school-a/signals HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\n"
           "webhook-id: " +
           webhook_id + "\r\nwebhook-timestamp: " + std::to_string(ts) + "\r\nwebhook-signature: " + signature +
           (keep_alive ? "" : "\r\nConnection: close") + "\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body;
}

Poco::Net::StreamSocket connect_to(int port) {
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)));
    socket.setNoDelay(true);
    return socket;
}

// One answer (status line, headers and a Content-Length body) read within `timeout_s`; empty if the
// connection closed or the time ran out first.
std::string read_answer(Poco::Net::StreamSocket& socket, double timeout_s) {
    const auto start = Clock::now();
    std::string received;
    char buffer[4096];
    while (seconds_since(start) < timeout_s) {
        const std::size_t end = received.find("\r\n\r\n");
        if (end != std::string::npos) {
            const std::size_t at = received.find("Content-Length: ");
            const std::size_t length = at == std::string::npos ? 0 : std::stoul(received.substr(at + 16));
            if (received.size() >= end + 4 + length) return received.substr(0, end + 4 + length);
        }
        if (!socket.poll(Poco::Timespan(0, 50'000), Poco::Net::Socket::SELECT_READ)) continue;
        int n = 0;
        try {
            n = socket.receiveBytes(buffer, sizeof buffer);
        } catch (const Poco::Exception&) {
            return {};
        }
        if (n <= 0) return {};
        received.append(buffer, static_cast<std::size_t>(n));
    }
    return {};
}

// True once the hub has closed the connection (end of stream or reset), false while it is open.
bool closed_by_hub(Poco::Net::StreamSocket& socket) {
    try {
        if (!socket.poll(Poco::Timespan(0), Poco::Net::Socket::SELECT_READ)) return false;
        char buffer[4096];  // an answer before the close is read and dropped
        return socket.receiveBytes(buffer, sizeof buffer) <= 0;
    } catch (const Poco::Exception&) {
        return true;
    }
}

// Connections that send a request's first bytes, then one more byte every `interval` until the hub
// closes them; the time each was closed (seconds after it opened) is kept.
class Dribblers {
public:
    Dribblers(int port, int count, const std::string& opening, std::chrono::milliseconds interval)
        : closed_after_(static_cast<std::size_t>(count), -1.0) {
        for (int i = 0; i < count; ++i) {
            sockets_.push_back(connect_to(port));
            sockets_.back().sendBytes(opening.data(), static_cast<int>(opening.size()));
            opened_.push_back(Clock::now());
        }
        thread_ = std::thread([this, interval] {
            while (!stop_) {
                bool open = false;
                for (std::size_t i = 0; i < sockets_.size(); ++i) {
                    std::lock_guard lock(mutex_);
                    if (closed_after_[i] >= 0) continue;
                    if (closed_by_hub(sockets_[i])) {
                        closed_after_[i] = seconds_since(opened_[i]);
                        continue;
                    }
                    open = true;
                    try {
                        sockets_[i].sendBytes("a", 1);
                    } catch (const Poco::Exception&) {
                        closed_after_[i] = seconds_since(opened_[i]);
                    }
                }
                if (!open) return;
                // Check often for the close, but send a byte only every `interval`.
                for (auto waited = std::chrono::milliseconds(0); waited < interval && !stop_;
                     waited += std::chrono::milliseconds(50)) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(50));
                    std::lock_guard lock(mutex_);
                    for (std::size_t i = 0; i < sockets_.size(); ++i) {
                        if (closed_after_[i] < 0 && closed_by_hub(sockets_[i]))
                            closed_after_[i] = seconds_since(opened_[i]);
                    }
                }
            }
        });
    }
    ~Dribblers() {
        stop_ = true;
        thread_.join();
    }
    Dribblers(const Dribblers&) = delete;
    Dribblers& operator=(const Dribblers&) = delete;

    [[nodiscard]] std::vector<double> closed_after() {
        std::lock_guard lock(mutex_);
        return closed_after_;
    }
    [[nodiscard]] int still_open() {
        std::lock_guard lock(mutex_);
        int open = 0;
        for (double c : closed_after_) open += c < 0 ? 1 : 0;
        return open;
    }

private:
    std::vector<Poco::Net::StreamSocket> sockets_;
    std::vector<Clock::time_point> opened_;
    std::vector<double> closed_after_;
    std::mutex mutex_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

// Sends one request on a fresh connection: the answer and how long it took.
std::pair<std::string, double> timed_exchange(int port, const std::string& raw, double timeout_s) {
    const auto start = Clock::now();
    Poco::Net::StreamSocket socket = connect_to(port);
    socket.sendBytes(raw.data(), static_cast<int>(raw.size()));
    std::string answer = read_answer(socket, timeout_s);
    return {answer, seconds_since(start)};
}

double metric(const ServiceProcess& service, const std::string& series) {
    const std::string text = service.get("/metrics").body;
    const std::size_t at = text.find(series + " ");
    return at == std::string::npos ? 0.0 : std::stod(text.substr(at + series.size() + 1));
}

}  // namespace

SCENARIO("connections dribbling their header do not starve ingest (slow-loris)", "[security][connections]") {
    std::signal(SIGPIPE, SIG_IGN);
    TempDir dir;
    TestStore store(dir.path());
    ServiceOptions options;
    options.threads = 2;
    options.listen_extra = "  connections: {header_timeout_ms: 5000, request_read_timeout_ms: 3000}\n";
    ServiceProcess service(store, dir.path(), options);

    GIVEN("ten connections, five times the two worker threads, each sending a header byte every 1.5 s") {
        Dribblers slow(service.port(), 10,
                       "POST /v1/sources/school-a/signals HTTP/1.1\r\nX-Slow: ", std::chrono::milliseconds(1500));
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        REQUIRE(slow.still_open() == 10);

        WHEN("signed signals are sent while they hang") {
            std::vector<std::pair<std::string, double>> answers;
            for (int i = 0; i < 5; ++i) {
                answers.push_back(timed_exchange(service.port(), signed_request("loris-" + std::to_string(i), i), 5));
            }
            const int open_meanwhile = slow.still_open();

            THEN(
                "each is answered 202 within 2 s (not after the 5 s deadline), while every slow connection is still "
                "open") {
                for (const auto& [answer, seconds] : answers) {
                    INFO(answer);
                    CHECK(answer.starts_with("HTTP/1.1 202"));
                    CHECK(seconds < 2.0);  // blocked, they would wait for the 5 s header deadline
                }
                CHECK(open_meanwhile == 10);
                CHECK(store.count("signals") == 5);

                AND_THEN("the hub closes every slow connection at its header deadline (5 s)") {
                    const auto start = Clock::now();
                    while (slow.still_open() > 0 && seconds_since(start) < 10) {
                        std::this_thread::sleep_for(std::chrono::milliseconds(100));
                    }
                    for (double closed : slow.closed_after()) {
                        CHECK(closed >= 4.5);
                        CHECK(closed < 7.0);
                    }
                    CHECK(metric(service, "eenplan_connections_closed_total{reason=\"header_timeout\"}") == 10);
                    CHECK(timed_exchange(service.port(), signed_request("loris-after", 9), 5)
                              .first.starts_with("HTTP/1.1 202"));
                }
            }
        }
    }
}

SCENARIO("over TLS, connections dribbling their ClientHello do not starve ingest", "[security][connections][tls]") {
    std::signal(SIGPIPE, SIG_IGN);
    Poco::Net::initializeSSL();
    {
        TempDir dir;
        TestStore store(dir.path());
        ServiceOptions options;
        options.tls = true;
        options.threads = 2;
        options.listen_extra = "  connections: {header_timeout_ms: 5000, request_read_timeout_ms: 3000}\n";
        ServiceProcess service(store, dir.path(), options);

        GIVEN("ten connections that announce a 512-byte TLS handshake record and send a byte of it every 1.5 s") {
            Dribblers slow(service.port(), 10, std::string("\x16\x03\x01\x02\x00", 5), std::chrono::milliseconds(1500));
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
            REQUIRE(slow.still_open() == 10);

            WHEN("signed signals are sent over HTTPS while they hang") {
                eenplan::integration::WebhookSender sender(
                    {service.signals_url("school-a"), service.ca_file(), std::chrono::seconds(10)});
                std::vector<std::pair<int, double>> answers;
                for (int i = 0; i < 5; ++i) {
                    const auto start = Clock::now();
                    const std::string request = signed_request("tls-loris-" + std::to_string(i), i);
                    const std::string body = request.substr(request.find("\r\n\r\n") + 4);
                    const int status = sender
                                           .post("tls-loris-" + std::to_string(i), Poco::Timestamp().epochTime(), body,
                                                 school_a().secret_bytes())
                                           .status;
                    answers.emplace_back(status, seconds_since(start));
                }
                const int open_meanwhile = slow.still_open();
                THEN("each is answered 202 within 2 s, and the slow ones are closed at their deadline") {
                    for (const auto& [status, seconds] : answers) {
                        CHECK(status == 202);
                        CHECK(seconds < 2.0);  // blocked, they would wait for the 5 s header deadline
                    }
                    CHECK(open_meanwhile == 10);
                    const auto start = Clock::now();
                    while (slow.still_open() > 0 && seconds_since(start) < 10) {
                        std::this_thread::sleep_for(std::chrono::milliseconds(100));
                    }
                    for (double closed : slow.closed_after()) {
                        CHECK(closed >= 4.5);
                        CHECK(closed < 7.0);
                    }
                    CHECK(store.count("signals") == 5);
                }
            }
        }
    }
    Poco::Net::uninitializeSSL();
}

SCENARIO("a slow body holds a worker only until the read deadline", "[security][connections]") {
    std::signal(SIGPIPE, SIG_IGN);
    TempDir dir;
    TestStore store(dir.path());
    ServiceOptions options;
    options.threads = 2;
    options.listen_extra = "  connections: {header_timeout_ms: 5000, request_read_timeout_ms: 3000}\n";
    ServiceProcess service(store, dir.path(), options);

    GIVEN("two connections, one per worker, with a whole header and a body sent a byte per second") {
        Dribblers slow(service.port(), 2,
                       "POST /v1/sources/school-a/signals HTTP/1.1\r\nHost: hub\r\nContent-Type: "
                       "application/json\r\nContent-Length: 1000\r\n\r\n{",
                       std::chrono::milliseconds(1000));
        std::this_thread::sleep_for(std::chrono::milliseconds(300));

        WHEN("a signed signal is sent") {
            const auto [answer, seconds] = timed_exchange(service.port(), signed_request("body-1", 1), 10);
            THEN("it is answered 202 once the slow reads were cut, within the 3 s deadline and a margin") {
                INFO(answer);
                CHECK(answer.starts_with("HTTP/1.1 202"));
                CHECK(seconds < 6.0);  // a margin for sanitizer builds on a loaded machine
                const auto start = Clock::now();
                while (slow.still_open() > 0 && seconds_since(start) < 8) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(100));
                }
                for (double closed : slow.closed_after()) {
                    CHECK(closed >= 2.5);
                    CHECK(closed < 6.0);
                }
                CHECK(metric(service, "eenplan_connections_closed_total{reason=\"read_timeout\"}") == 2);
                CHECK(store.count("signals") == 1);
            }
        }
    }
}

SCENARIO("when too many connections wait for their header, the longest waiting makes room", "[security][connections]") {
    std::signal(SIGPIPE, SIG_IGN);
    TempDir dir;
    TestStore store(dir.path());
    ServiceOptions options;
    options.listen_extra = "  connections: {header_timeout_ms: 20000, max_pending: 3}\n";
    ServiceProcess service(store, dir.path(), options);

    GIVEN("five slow connections, opened one after another, where three may wait") {
        Dribblers slow(service.port(), 5,
                       "POST /v1/sources/school-a/signals HTTP/1.1\r\nX-Slow: ", std::chrono::milliseconds(1000));
        const auto start = Clock::now();
        while (slow.still_open() > 3 && seconds_since(start) < 5) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        THEN("the two opened first are closed at once, long before their header deadline") {
            const std::vector<double> closed = slow.closed_after();
            CHECK(closed[0] >= 0.0);
            CHECK(closed[0] < 3.0);
            CHECK(closed[1] >= 0.0);
            CHECK(closed[1] < 3.0);
            CHECK(closed[2] < 0.0);
            CHECK(closed[3] < 0.0);
            CHECK(closed[4] < 0.0);
            AND_WHEN("a signed signal arrives while the waiting room is full") {
                const auto [answer, seconds] = timed_exchange(service.port(), signed_request("room-1", 1), 5);
                THEN("it is answered 202, and the oldest slow connection made room for it") {
                    INFO(answer);
                    CHECK(answer.starts_with("HTTP/1.1 202"));
                    CHECK(seconds < 2.0);
                    CHECK(metric(service, "eenplan_connections_closed_total{reason=\"pending_full\"}") == 3);
                }
            }
        }
    }
}

SCENARIO("keep-alive is capped per connection", "[security][connections]") {
    TempDir dir;
    TestStore store(dir.path());
    ServiceOptions options;
    options.listen_extra = "  connections: {keep_alive_max_requests: 2, keep_alive_idle_ms: 1000}\n";
    ServiceProcess service(store, dir.path(), options);

    GIVEN("one connection") {
        Poco::Net::StreamSocket socket = connect_to(service.port());
        WHEN("requests follow each other on it") {
            const std::string first_raw = signed_request("ka-1", 1, true);
            socket.sendBytes(first_raw.data(), static_cast<int>(first_raw.size()));
            const std::string first = read_answer(socket, 5);
            std::this_thread::sleep_for(std::chrono::milliseconds(300));  // back at the gate, idle
            const std::string second_raw = signed_request("ka-2", 2, true);
            socket.sendBytes(second_raw.data(), static_cast<int>(second_raw.size()));
            const std::string second = read_answer(socket, 5);
            THEN("the second is answered on the same connection, which is then closed") {
                INFO(first + second);
                CHECK(first.starts_with("HTTP/1.1 202"));
                CHECK(first.find("Connection: Keep-Alive") != std::string::npos);
                CHECK(second.starts_with("HTTP/1.1 202"));
                CHECK(second.find("Connection: Close") != std::string::npos);
                std::this_thread::sleep_for(std::chrono::milliseconds(300));
                CHECK(closed_by_hub(socket));
                CHECK(store.count("signals") == 2);
            }
        }
        WHEN("the connection stays idle longer than keep_alive_idle_ms after an answer") {
            const std::string raw = signed_request("ka-idle", 3, true);
            socket.sendBytes(raw.data(), static_cast<int>(raw.size()));
            REQUIRE(read_answer(socket, 5).starts_with("HTTP/1.1 202"));
            std::this_thread::sleep_for(std::chrono::milliseconds(1800));
            THEN("the hub has closed it") { CHECK(closed_by_hub(socket)); }
        }
    }
}

SCENARIO("a request Poco's parser refuses is answered 400 problem+json", "[security][connections]") {
    TempDir dir;
    TestStore store(dir.path());
    ServiceProcess service(store, dir.path());

    const std::string bare_cr =
        "POST /v1/sources/school-a/signals HTTP/1.1\r\nHost: hub\r\nX-Evil: a\rb\r\nContent-Length: 0\r\n\r\n";
    const std::string huge_header =
        "GET /healthz HTTP/1.1\r\nHost: hub\r\nX-Big: " + std::string(20'000, 'a') + "\r\n\r\n";
    for (const auto& [name, raw] :
         {std::pair{"a bare CR inside a header line", bare_cr}, std::pair{"a 20 kB header field", huge_header}}) {
        WHEN(std::string("the request has ") + name) {
            const auto [answer, seconds] = timed_exchange(service.port(), raw, 5);
            THEN("the answer is 400 application/problem+json, and the service is still up") {
                INFO(answer);
                CHECK(answer.starts_with("HTTP/1.1 400"));
                CHECK(answer.find("Content-Type: application/problem+json") != std::string::npos);
                CHECK(answer.find("malformed-request") != std::string::npos);
                CHECK(service.get("/healthz").status == 200);
                CHECK(store.count("signals") == 0);
            }
        }
    }
}
