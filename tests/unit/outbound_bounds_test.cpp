// Every outbound client reads a receiver's answer with a byte limit and one deadline for the whole
// body: a receiver that answers endlessly or one byte at a time cannot hold a dispatcher thread or
// fill the hub's memory.
#include <catch2/catch.hpp>

#include <chrono>

#include <Poco/Exception.h>

#include "outbound/bounded_read.hpp"
#include "outbound/http_client.hpp"
#include "outbound/webhook_sender.hpp"
#include "support/trickle_server.hpp"

using namespace eenplan::integration;
using eenplan::testing::TrickleServer;
using namespace std::chrono_literals;

namespace {

const std::string open_ended = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n";

std::string base_url(const TrickleServer& server) { return "http://127.0.0.1:" + std::to_string(server.port()); }

}  // namespace

SCENARIO("the keep-alive client bounds a receiver's answer", "[delivery][security]") {
    GIVEN("a receiver that answers briefly") {
        TrickleServer server("HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}", 0, 0ms);
        KeepAliveClient client(base_url(server), std::nullopt, 500ms);
        const HttpReply reply = client.send("POST", "/tasks", {{"content-type", "application/json"}}, "{}");
        CHECK(reply.status == 202);
        CHECK(reply.body == "{}");
    }
    GIVEN("a receiver that sends an endless body fast") {
        TrickleServer server(open_ended, 4 * max_answer_bytes, 0ms);
        KeepAliveClient client(base_url(server), std::nullopt, 2000ms);
        const HttpReply reply = client.send("POST", "/tasks", {}, "{}");
        CHECK(reply.status == 0);
        CHECK(reply.body.empty());
        CHECK_THAT(reply.error, Catch::Contains("larger than"));
    }
    GIVEN("a receiver that announces a body above the limit") {
        TrickleServer server("HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\nConnection: close\r\n\r\n", 0, 0ms);
        KeepAliveClient client(base_url(server), std::nullopt, 500ms);
        CHECK(client.send("POST", "/tasks", {}, "{}").status == 0);
    }
    GIVEN("a receiver that trickles its body, each read within the per-read timeout") {
        TrickleServer server(open_ended, 64 * 1024, 100ms);
        KeepAliveClient client(base_url(server), std::nullopt, 500ms);
        const auto started = std::chrono::steady_clock::now();
        const HttpReply reply = client.send("POST", "/tasks", {}, "{}");
        const auto took = std::chrono::steady_clock::now() - started;
        CHECK(reply.status == 0);
        CHECK_THAT(reply.error, Catch::Contains("timed out"));
        CHECK(took < 1500ms);  // the deadline, not 64 reads' worth (6.4 s)
    }
}

SCENARIO("the webhook sender bounds the answer too", "[delivery][security]") {
    GIVEN("a server that trickles its answer") {
        TrickleServer server(open_ended, 64 * 1024, 100ms);
        const WebhookSender sender({base_url(server) + "/v1/signals", std::nullopt, 500ms});
        const auto started = std::chrono::steady_clock::now();
        CHECK_THROWS_AS(sender.post_raw({{"content-type", "application/json"}}, "{}"), Poco::TimeoutException);
        CHECK(std::chrono::steady_clock::now() - started < 1500ms);
    }
    GIVEN("a server that sends an endless body") {
        TrickleServer server(open_ended, 4 * max_answer_bytes, 0ms);
        const WebhookSender sender({base_url(server) + "/v1/signals", std::nullopt, 2000ms});
        CHECK_THROWS_AS(sender.post_raw({}, "{}"), Poco::DataFormatException);
    }
}
