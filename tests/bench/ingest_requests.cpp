// eenplan-ingest-requests: writes N distinct, signed ingest requests as a Lua module for wrk
// (tests/bench/ingest_load.sh). wrk's Lua cannot compute HMAC-SHA256, so the signatures are made
// here; they stay valid for the 300 s replay window, longer than a load run.
//   eenplan-ingest-requests <count> <source-id> <whsec-secret> <host:port> <out.lua> [--first-pupil N]
// Without --first-pupil the signals are several absence reports each for 5 000 pupils. With it,
// request i is an ongeoorloofd absence of 30 days up to today for new pupil N+i, which the
// routeboek plans a task for (the pipeline-lag phase of tests/bench/ingest_side_by_side.sh).
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <string>

#include "eenplan/core/standard_webhooks.hpp"
#include "synthetic_people.hpp"

namespace {

// A quoted Lua string with escapes: a long bracket string ([==[...]==]) would turn each CR LF into
// a bare LF, which Poco tolerates but stricter HTTP parsers (Node's) refuse with 400.
std::string lua_string(const std::string& text) {
    std::string quoted = "\"";
    for (const char c : text) {
        switch (c) {
            case '\\': quoted += "\\\\"; break;
            case '"': quoted += "\\\""; break;
            case '\r': quoted += "\\r"; break;
            case '\n': quoted += "\\n"; break;
            default: quoted += c;
        }
    }
    return quoted + "\"";
}

std::string iso_date(std::chrono::sys_days day) {
    const std::chrono::year_month_day ymd{day};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    return text;
}

}  // namespace

int main(int argc, char** argv) {
    const bool new_pupils = argc == 8 && std::string(argv[6]) == "--first-pupil";
    if (argc != 6 && !new_pupils) {
        std::cerr << "usage: eenplan-ingest-requests <count> <source-id> <whsec-secret> <host:port> <out.lua> "
                     "[--first-pupil N]\n";
        return 64;
    }
    const long first_pupil = new_pupils ? std::stol(argv[7]) : 0;
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
    const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    const std::string to = iso_date(today);
    const std::string from = iso_date(today - std::chrono::days{30});
    out << "return {\n";
    for (long i = 0; i < count; ++i) {
        // 5 000 pupils, each with several absence reports, as a busy region's morning would bring.
        std::string body;
        if (new_pupils) {
            const std::string bsn = eenplan::simulators::synthetic_bsn(static_cast<std::uint32_t>(first_pupil + i));
            body =
                R"({"type":"absence.reported","occurred_at":")" + to + R"(T08:00:00Z","subject":{"bsn":")" + bsn +
                R"("},"school":{"brin":"12AB","gemeentecode":"GM0518"},"data":{"absence_kind":"ongeoorloofd","from":")" +
                from + R"("}})";
        } else {
            const std::string bsn = eenplan::simulators::synthetic_bsn(static_cast<std::uint32_t>(i % 5000));
            body =
                R"({"type":"absence.reported","occurred_at":"2026-11-20T08:30:00Z","subject":{"bsn":")" + bsn +
                R"("},"school":{"brin":"12AB","gemeentecode":"GM0518"},"data":{"absence_kind":"ongeoorloofd","from":"2026-11-16","to":"2026-11-20","hours":)" +
                std::to_string(1 + i % 25) + "}}";
        }
        const std::string id =
            new_pupils ? "msg_pupil_" + std::to_string(first_pupil + i) : "msg_load_" + std::to_string(i);
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
