// The rol lookup: the Zaken API fetch is bounded in time and size. (It runs on the notification
// worker, never on a request thread: zgw_notification_worker_test and inbound_http_test.)
#include <catch2/catch.hpp>

#include <chrono>

#include "inbound/zgw_rol_lookup.hpp"
#include "support/trickle_server.hpp"

using namespace eenplan::inbound;
using eenplan::testing::TrickleServer;
using namespace std::chrono_literals;

namespace {

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
