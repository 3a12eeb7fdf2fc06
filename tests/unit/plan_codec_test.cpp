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

SCENARIO("enrolments, pupils without a school and a task's facts survive a round trip", "[routeboek][registration]") {
    using namespace eenplan::routeboek;
    PlanState plan;
    plan.family_id = "family-1";
    plan.enrolments.push_back(
        {"pupil-1", "12AB", "GM0518", parse_day("2026-08-24"), parse_day("2026-10-09"), "po", "overig"});
    plan.school_gaps.push_back(
        {"pupil-1", "12AB", "GM0518", *parse_day("2026-10-09"), "overig", *parse_day("2026-10-30"), true});
    Task task;
    task.id = "family-1/1";
    task.type = "leerplicht.absoluut_verzuim";
    task.facts = {"12AB", "2026-10-09", "overig", ""};
    plan.open_tasks.push_back(task);
    const auto decoded = decode_plan(encode_plan(plan));
    REQUIRE(decoded);
    REQUIRE(decoded->enrolments.size() == 1);
    CHECK(decoded->enrolments.front().end == parse_day("2026-10-09"));
    CHECK(decoded->enrolments.front().sector == "po");
    REQUIRE(decoded->school_gaps.size() == 1);
    CHECK(decoded->school_gaps.front().until == *parse_day("2026-10-30"));
    CHECK(decoded->school_gaps.front().raised);
    REQUIRE(decoded->open_tasks.size() == 1);
    CHECK(decoded->open_tasks.front().facts == task.facts);
}

SCENARIO("the woongemeente's history and a pupil's birth year survive a round trip", "[routeboek][registration]") {
    using namespace eenplan::routeboek;
    PlanState plan;
    plan.family_id = "family-1";
    plan.woongemeente = "GM0518";
    plan.residences = {{Day{}, "GM0603"}, {*parse_day("2026-09-14"), "GM0518"}};
    plan.pupils.push_back({"pupil-1", "12AB", "GM0518", 2015});
    plan.pupils.push_back({"pupil-2", "34CD", "GM0518"});
    const std::string text = encode_plan(plan);
    CHECK(text.find("\"birth_year\":2015") != std::string::npos);
    const auto decoded = decode_plan(text);
    REQUIRE(decoded);
    REQUIRE(decoded->residences.size() == 2);
    CHECK(decoded->residences[0].from == Day{});
    CHECK(decoded->residences[0].gemeentecode == "GM0603");
    CHECK(decoded->residences[1].from == *parse_day("2026-09-14"));
    CHECK(decoded->woongemeente_on(*parse_day("2026-09-13")) == "GM0603");
    REQUIRE(decoded->pupils.size() == 2);
    CHECK(decoded->pupils[0].birth_year == 2015);
    CHECK_FALSE(decoded->pupils[1].birth_year);
}
