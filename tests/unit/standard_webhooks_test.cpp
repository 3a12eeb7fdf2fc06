// Standard Webhooks signing and verification, against the specification's own example.
#include <catch2/catch.hpp>

#include "eenplan/core/standard_webhooks.hpp"

using namespace eenplan;
namespace wh = eenplan::webhooks;

namespace {
// The example in the Standard Webhooks specification (spec/standard-webhooks.md, "Signature
// scheme"): secret, id, timestamp, payload and the signature it gives.
constexpr std::string_view spec_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr std::string_view spec_id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr std::int64_t spec_timestamp = 1614265330;
constexpr std::string_view spec_body = R"({"test": 2432232314})";
constexpr std::string_view spec_signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
}  // namespace

SCENARIO("signing follows the Standard Webhooks specification", "[ingest]") {
    auto secret = wh::parse_secret(spec_secret);
    REQUIRE(secret.ok());
    CHECK(wh::sign(secret.value(), spec_id, spec_timestamp, spec_body) == spec_signature);
}

SCENARIO("verification", "[ingest]") {
    const std::vector<Bytes> secrets{wh::parse_secret(spec_secret).value()};
    const std::string ts = std::to_string(spec_timestamp);
    auto verify = [&](std::string_view sig, std::string_view body, std::int64_t now) {
        return wh::verify(secrets, {spec_id, ts, sig}, body, now);
    };

    THEN("the genuine message is accepted within the tolerance, either side") {
        CHECK(verify(spec_signature, spec_body, spec_timestamp).accepted);
        CHECK(verify(spec_signature, spec_body, spec_timestamp + 300).accepted);
        CHECK(verify(spec_signature, spec_body, spec_timestamp - 300).accepted);
    }
    THEN("a timestamp 301 seconds off is refused") {
        auto v = verify(spec_signature, spec_body, spec_timestamp + 301);
        CHECK_FALSE(v.accepted);
        CHECK(v.rejection == wh::Rejection::timestamp_out_of_tolerance);
        CHECK_FALSE(verify(spec_signature, spec_body, spec_timestamp - 301).accepted);
    }
    THEN("a tampered body is refused") {
        auto v = verify(spec_signature, R"({"test": 2432232315})", spec_timestamp);
        CHECK_FALSE(v.accepted);
        CHECK(v.rejection == wh::Rejection::no_matching_signature);
    }
    THEN("one matching signature among several is enough (secret rotation)") {
        const std::string several = "v1,AAAA v1a,whatever " + std::string(spec_signature);
        CHECK(verify(several, spec_body, spec_timestamp).accepted);
    }
    THEN("missing headers and malformed timestamps are told apart") {
        CHECK(wh::verify(secrets, {"", ts, spec_signature}, spec_body, spec_timestamp).rejection ==
              wh::Rejection::missing_headers);
        CHECK(wh::verify(secrets, {spec_id, "16x", spec_signature}, spec_body, spec_timestamp).rejection ==
              wh::Rejection::bad_timestamp);
    }
    THEN("any of several receiver secrets may match") {
        const std::vector<Bytes> rotated{Bytes(32, 7), secrets[0]};
        CHECK(wh::verify(rotated, {spec_id, ts, spec_signature}, spec_body, spec_timestamp).accepted);
    }
}

SCENARIO("secrets must be whsec_ and base64", "[ingest]") {
    CHECK_FALSE(wh::parse_secret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").ok());
    CHECK_FALSE(wh::parse_secret("whsec_not base64!").ok());
    CHECK_FALSE(wh::parse_secret("whsec_c2hvcnQ=").ok());
}
