// Per-source rate limits over HTTP against the real binary: a source past its burst gets 429
// problem+json with Retry-After and nothing is stored; other sources and unauthenticated requests
// do not spend its budget; the refusals are counted in /metrics by source.
#include <catch2/catch.hpp>

#include <string>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timestamp.h>

#include "eenplan/core/standard_webhooks.hpp"
#include "support/service_process.hpp"
#include "synthetic_people.hpp"

using namespace eenplan::testing;

namespace {

struct Answer {
    int status = 0;
    std::string content_type;
    std::string retry_after;
    std::string body;
};

std::string absence(int person) {
    return R"({"type":"absence.reported","occurred_at":"2026-11-20T08:30:00Z","subject":{"bsn":")" +
           eenplan::simulators::synthetic_bsn(person) +
           R"("},"school":{"brin":"12AB","gemeentecode":"GM0518"},"data":{"absence_kind":"ongeoorloofd",)"
           R"("from":"2026-11-16","to":"2026-11-20","hours":12.5}})";
}

Answer post_signed(const ServiceProcess& service, const TestSource& source, const std::string& path,
                   const std::string& webhook_id, const std::string& body, bool good_signature = true) {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(service.port()));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path, Poco::Net::HTTPMessage::HTTP_1_1);
    const std::int64_t ts = Poco::Timestamp().epochTime();
    request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    request.set("webhook-id", webhook_id);
    request.set("webhook-timestamp", std::to_string(ts));
    request.set("webhook-signature", good_signature
                                         ? eenplan::webhooks::sign(source.secret_bytes(), webhook_id, ts, body)
                                         : "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    Answer answer{
        static_cast<int>(response.getStatus()), response.getContentType(), response.get("Retry-After", ""), {}};
    Poco::StreamCopier::copyToString(in, answer.body);
    return answer;
}

}  // namespace

SCENARIO("a source past its rate limit is answered 429 with Retry-After", "[security][ratelimit]") {
    TempDir dir;
    TestStore store(dir.path());
    ServiceOptions options;
    // One request per 100 s after a burst of 3: the fourth within the test is always over the limit.
    options.source_extra = "    rate_limit: {per_second: 0.01, burst: 3}\n";
    ServiceProcess service(store, dir.path(), options);
    const std::string signals_a = "/v1/sources/school-a/signals";
    const std::string signals_b = "/v1/sources/school-b/signals";

    GIVEN("school-a has sent its burst of three signals") {
        for (int i = 0; i < 3; ++i) {
            const Answer answer = post_signed(service, school_a(), signals_a, "rl-a-" + std::to_string(i), absence(i));
            REQUIRE(answer.status == 202);
        }
        WHEN("it sends a fourth") {
            const Answer answer = post_signed(service, school_a(), signals_a, "rl-a-3", absence(3));
            THEN("the answer is 429 problem+json, Retry-After says when a token is back, nothing is stored") {
                INFO(answer.body);
                CHECK(answer.status == 429);
                CHECK(answer.content_type == "application/problem+json");
                CHECK(answer.body.find("rate-limited") != std::string::npos);
                REQUIRE_FALSE(answer.retry_after.empty());
                CHECK(std::stoi(answer.retry_after) >= 90);
                CHECK(std::stoi(answer.retry_after) <= 100);
                CHECK(store.count("signals") == 3);
                CHECK(service.get("/metrics").body.find("eenplan_rate_limited_total{source=\"school-a\"} 1") !=
                      std::string::npos);
            }
        }
        WHEN("it sends through a LAS adapter instead") {
            const Answer answer =
                post_signed(service, school_a(), "/v1/sources/school-a/las/parnassys", "rl-a-las", "{}");
            THEN("the same budget applies") {
                INFO(answer.body);
                CHECK(answer.status == 429);
                CHECK(store.count("signals") == 3);
            }
        }
        WHEN("a stranger sends school-b requests with a wrong signature, then school-b sends its own") {
            for (int i = 0; i < 5; ++i) {
                const Answer refused =
                    post_signed(service, school_b(), signals_b, "rl-x-" + std::to_string(i), absence(20 + i), false);
                REQUIRE(refused.status == 401);
            }
            THEN("school-b's budget is untouched: its three signals are stored") {
                for (int i = 0; i < 3; ++i) {
                    CHECK(post_signed(service, school_b(), signals_b, "rl-b-" + std::to_string(i), absence(10 + i))
                              .status == 202);
                }
                CHECK(store.count("signals") == 6);
            }
        }
    }
}
