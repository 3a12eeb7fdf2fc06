// Request smuggling (issue 12, finding 3): an answer given before the body was read must not let
// the unread body be parsed as the next request on the same connection. Each case sends, raw over
// one socket, a request the hub refuses early whose body is itself a complete, correctly signed
// signal request; the hub must answer once and store nothing.
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>

#include "eenplan/core/standard_webhooks.hpp"
#include "support/service_process.hpp"
#include "synthetic_people.hpp"

using namespace eenplan::testing;

namespace {

// A complete signed ingest request for school-a: if the hub ever executes it, a signal is stored.
std::string hidden_signal_request(const std::string& webhook_id) {
    const std::string body =
        R"({"type":"absence.reported","occurred_at":"2026-11-20T08:30:00Z","subject":{"bsn":")" +
        eenplan::simulators::synthetic_bsn(7) +
        R"("},"school":{"brin":"12AB","gemeentecode":"GM0518"},"data":{"absence_kind":"ongeoorloofd",)"
        R"("from":"2026-11-16","to":"2026-11-20","hours":12.5}})";
    const std::int64_t ts = Poco::Timestamp().epochTime();
    const std::string signature = eenplan::webhooks::sign(school_a().secret_bytes(), webhook_id, ts, body);
    return "POST /v1/sources/school-a/signals HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\n"
           "webhook-id: " +
           webhook_id + "\r\nwebhook-timestamp: " + std::to_string(ts) + "\r\nwebhook-signature: " + signature +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// A request whose body (Content-Length framed) is `body`.
std::string framed(const std::string& method, const std::string& path, const std::string& extra_headers,
                   const std::string& body) {
    return method + " " + path + " HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\n" + extra_headers +
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// The same, chunked: the body in one chunk and the terminating chunk.
std::string chunked(const std::string& method, const std::string& path, const std::string& body) {
    char size[32];
    std::snprintf(size, sizeof size, "%zx", body.size());
    return method + " " + path +
           " HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\n"
           "Transfer-Encoding: chunked\r\n\r\n" +
           size + "\r\n" + body + "\r\n0\r\n\r\n";
}

// Sends `raw` on a fresh connection and reads until the hub closes it or is quiet for 1.5 s.
std::string exchange(int port, const std::string& raw) {
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)));
    socket.setReceiveTimeout(Poco::Timespan(1, 500000));
    socket.sendBytes(raw.data(), static_cast<int>(raw.size()));
    std::string received;
    char buffer[4096];
    try {
        for (;;) {
            const int n = socket.receiveBytes(buffer, sizeof buffer);
            if (n <= 0) break;
            received.append(buffer, static_cast<std::size_t>(n));
        }
    } catch (const Poco::TimeoutException&) {
    } catch (const Poco::Net::ConnectionResetException&) {
        // Closed with bytes of ours unread: the kernel may reset before the answer is read.
    }
    return received;
}

int answers_in(const std::string& received) {
    int count = 0;
    for (std::size_t at = received.find("HTTP/1.1 "); at != std::string::npos;
         at = received.find("HTTP/1.1 ", at + 1)) {
        if (at == 0 || received.compare(at - 2, 2, "\r\n") == 0) ++count;
    }
    return count;
}

}  // namespace

SCENARIO("a request hidden in the body of a refused request is never executed", "[security][ingest]") {
    TempDir dir;
    TestStore store(dir.path());
    ServiceProcess service(store, dir.path());

    GIVEN("the hidden request, sent on its own, is executed (the check can see smuggling)") {
        const std::string received = exchange(service.port(), hidden_signal_request("control-1"));
        INFO(received);
        CHECK(answers_in(received) == 1);
        CHECK(received.starts_with("HTTP/1.1 202"));
        CHECK(store.count("signals") == 1);
    }

    const std::string hidden = hidden_signal_request("smuggled-1");
    const std::string admin_token_header = "Authorization: Bearer " + admin_token("eve", {}) + "\r\n";
    struct Case {
        const char* name;
        std::string raw;
        const char* status;
    };
    const Case cases[] = {
        {"no resource at the path (404)", framed("POST", "/v1/nowhere", "", hidden), "404"},
        {"a method the resource does not take (405)", framed("POST", "/healthz", "", hidden), "405"},
        {"an admin action without a token (401)", framed("POST", "/v1/pupils/p1/merge", "", hidden), "401"},
        {"an admin action without the role (403)",
         framed("POST", "/v1/deliveries/d1/retry", admin_token_header, hidden), "403"},
        {"an adapter of an unknown source (404)", framed("POST", "/v1/sources/nobody/las/parnassys", "", hidden),
         "404"},
        {"a ZGW notification without its token (401)",
         framed("POST", "/v1/sources/school-a/zgw-notifications", "", hidden), "40"},
        {"a chunked admin action without a token (401)", chunked("POST", "/v1/pupils/p1/merge", hidden), "401"},
        {"a body larger than the drain bound (401, closed)",
         framed("POST", "/v1/pupils/p1/merge", "", hidden + std::string(100 * 1024, ' ')), "401"},
    };
    for (const Case& c : cases) {
        WHEN(std::string("the refused request is: ") + c.name) {
            const std::string received = exchange(service.port(), c.raw);
            INFO(received);
            THEN("only the refused request is answered, and nothing is stored") {
                // A connection closed with a large body unread may be reset before its answer is read.
                const bool reset_allowed = std::string(c.name).find("drain bound") != std::string::npos;
                CHECK(
                    (received.starts_with(std::string("HTTP/1.1 ") + c.status) || (reset_allowed && received.empty())));
                CHECK(answers_in(received) == (received.empty() ? 0 : 1));
                CHECK(store.count("signals") == 0);
            }
        }
    }
}
