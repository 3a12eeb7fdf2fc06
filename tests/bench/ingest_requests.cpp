// eenplan-ingest-requests: writes N distinct, signed ingest requests as a Lua module for wrk
// (tests/bench/ingest_load.sh). wrk's Lua cannot compute HMAC-SHA256, so the signatures are made
// here; they stay valid for the 300 s replay window, longer than a load run.
//   eenplan-ingest-requests <count> <source-id> <whsec-secret> <host:port> <out.lua>
#include <ctime>
#include <fstream>
#include <iostream>
#include <string>

#include "eenplan/core/standard_webhooks.hpp"
#include "synthetic_people.hpp"

namespace {

// A Lua long string cannot contain its own closing bracket; signals never contain "]==]".
std::string lua_string(const std::string& text) { return "[==[" + text + "]==]"; }

}  // namespace

int main(int argc, char** argv) {
    if (argc != 6) {
        std::cerr << "usage: eenplan-ingest-requests <count> <source-id> <whsec-secret> <host:port> <out.lua>\n";
        return 64;
    }
    const long count = std::stol(argv[1]);
    const std::string source = argv[2];
    const auto secret = eenplan::webhooks::parse_secret(argv[3]);
    if (!secret) {
        std::cerr << "bad secret: " << secret.problems()[0].detail << "\n";
        return 64;
    }
    const std::string host = argv[4];
    std::ofstream out(argv[5]);
    const std::int64_t now = std::time(nullptr);
    out << "return {\n";
    for (long i = 0; i < count; ++i) {
        // 5 000 pupils, each with several absence reports, as a busy region's morning would bring.
        const std::string bsn = eenplan::simulators::synthetic_bsn(static_cast<std::uint32_t>(i % 5000));
        const std::string body =
            R"({"type":"absence.reported","occurred_at":"2026-11-20T08:30:00Z","subject":{"bsn":")" + bsn +
            R"("},"school":{"brin":"12AB","gemeentecode":"GM0518"},"data":{"absence_kind":"ongeoorloofd","from":"2026-11-16","to":"2026-11-20","hours":)" +
            std::to_string(1 + i % 25) + "}}";
        const std::string id = "msg_load_" + std::to_string(i);
        const std::string request = "POST /v1/sources/" + source + "/signals HTTP/1.1\r\nHost: " + host +
                                    "\r\nContent-Type: application/json\r\nwebhook-id: " + id +
                                    "\r\nwebhook-timestamp: " + std::to_string(now) +
                                    "\r\nwebhook-signature: " + eenplan::webhooks::sign(secret.value(), id, now, body) +
                                    "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
        out << lua_string(request) << ",\n";
    }
    out << "}\n";
    return out ? 0 : 1;
}
