// The YAML files an operator writes (settings, routeboeken, school calendars): whatever the file
// holds, loading it gives a value or problems with a place, never an exception.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "config/config.hpp"
#include "routeboek/routeboek_loader.hpp"
#include "routeboek/school_calendar_loader.hpp"
#include "support/files.hpp"

namespace {

using eenplan::Problems;

std::string shipped(const std::string& relative) {
    std::ifstream in(eenplan::testing::source_file(relative));
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

bool names(const Problems& problems, const std::string& pointer) {
    return std::any_of(problems.begin(), problems.end(), [&](const auto& p) { return p.pointer == pointer; });
}

}  // namespace

SCENARIO("a key repeated in one mapping is refused at its place", "[routeboek][config][security]") {
    // Found by routeboek_fuzz: the schema checked the last of two "triggers" and the loader read the
    // first, which lacked a required field, and yaml-cpp threw past the loader.
    const std::string routeboek = shipped("deploy/config/routeboek-haaglanden-po.yaml");
    REQUIRE(eenplan::service::parse_routeboek(routeboek).ok());

    GIVEN("the shipped routeboek with a second, smaller triggers section") {
        const auto loaded =
            eenplan::service::parse_routeboek(routeboek + "\ntriggers:\n  consecutive_absence: {id: x}\n");
        THEN("it is refused at /triggers") {
            REQUIRE_FALSE(loaded.ok());
            CHECK(names(loaded.problems(), "/triggers"));
        }
    }
    GIVEN("a prevention task that names its recipient twice") {
        std::string text = routeboek;
        const std::string due = "      due_days: 7\n";
        text.insert(text.find(due), "      recipient: school\n");
        const auto loaded = eenplan::service::parse_routeboek(text);
        THEN("the place of the repeated key is given") {
            REQUIRE_FALSE(loaded.ok());
            CHECK(names(loaded.problems(), "/prevention/0/task/recipient"));
        }
    }
    GIVEN("a school calendar and a service configuration with a repeated key") {
        const std::string calendar = shipped("deploy/config/schoolvakanties-2026-2028.yaml");
        const auto as_shipped = eenplan::service::parse_school_calendar(calendar);
        INFO((as_shipped.ok() ? std::string()
                              : as_shipped.problems().front().pointer + " " + as_shipped.problems().front().detail));
        REQUIRE(as_shipped.ok());
        CHECK(
            names(eenplan::service::parse_school_calendar(calendar + "\ncalendar: {id: x}\n").problems(), "/calendar"));
        const auto config = eenplan::service::parse_config("listen: {port: 1}\nlisten: {port: 2}\n", "/nonexistent");
        REQUIRE_FALSE(config.ok());
        CHECK(names(config.problems(), "/listen"));
    }
}

SCENARIO("a routeboek without its optional sections loads", "[routeboek]") {
    // Optional sections are looked up and iterated whether or not the file has them.
    std::string text = shipped("deploy/config/routeboek-haaglanden-po.yaml");
    const auto prevention = text.find("\nprevention:");
    REQUIRE(prevention != std::string::npos);
    text.erase(prevention);  // prevention and terms are the last sections
    const auto partial = text.find("  partial_attendance:");
    const auto escalation = text.find("\non_escalation:");
    REQUIRE(partial != std::string::npos);
    REQUIRE(escalation != std::string::npos);
    text.erase(partial, escalation - partial);
    const auto loaded = eenplan::service::parse_routeboek(text);
    INFO((loaded.ok() ? std::string() : loaded.problems().front().pointer + " " + loaded.problems().front().detail));
    REQUIRE(loaded.ok());
    CHECK(loaded->prevention.empty());
    CHECK_FALSE(loaded->partial_attendance.has_value());
}

SCENARIO("a number the schema lets through but a field cannot hold is a problem", "[routeboek][security]") {
    std::string text = shipped("deploy/config/routeboek-haaglanden-po.yaml");
    const std::string weeks = "    weeks: 4\n";
    REQUIRE(text.find(weeks) != std::string::npos);
    text.replace(text.find(weeks), weeks.size(), "    weeks: 99999999999999\n");
    const auto loaded = eenplan::service::parse_routeboek(text);
    CHECK_FALSE(loaded.ok());
}
