// The plan codec reads back what the store holds: a damaged plan is a problem to report, never an
// exception that takes the plan worker down (found by tests/fuzz/plan_codec_fuzz).
#include <catch2/catch.hpp>

#include "plan/plan_codec.hpp"

using eenplan::service::decode_plan;
using eenplan::service::encode_plan;

SCENARIO("a stored plan of the wrong shape is refused with a problem", "[routeboek][security]") {
    GIVEN("a plan whose overrides are an object instead of an array") {
        const auto plan = decode_plan(R"({"tasks":[],"timeline":[],"overrides":{}})");
        THEN("decoding reports it") { CHECK_FALSE(plan); }
    }
    GIVEN("a plan whose pupils hold a number instead of an object") {
        CHECK_FALSE(decode_plan(R"({"family_id":"f","pupils":[1]})"));
    }
    GIVEN("a plan whose timeline is a string") {
        CHECK_FALSE(decode_plan(R"({"family_id":"f","timeline":"yesterday"})"));
    }
}

SCENARIO("a plan survives a round trip through the codec", "[routeboek]") {
    eenplan::routeboek::PlanState plan;
    plan.family_id = "family-1";
    plan.woongemeente = "GM0603";
    plan.goals = {"attendance"};
    const auto decoded = decode_plan(encode_plan(plan));
    REQUIRE(decoded);
    CHECK(decoded->family_id == "family-1");
    CHECK(decoded->woongemeente == "GM0603");
    CHECK(decoded->goals == std::vector<std::string>{"attendance"});
}
