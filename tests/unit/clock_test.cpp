// The injected clock: "today" is the Dutch date of "now", and a test clock moves only when told.
#include <catch2/catch.hpp>

#include "eenplan/core/clock.hpp"

using namespace std::chrono;
using eenplan::Clock;
using eenplan::ManualClock;
using eenplan::routeboek::format_day;

namespace {

Clock::Instant at(sys_days day, hours h, minutes m = minutes(0)) { return Clock::Instant(day + h + m); }

}  // namespace

SCENARIO("today is the Dutch date of now, not the UTC one", "[clock]") {
    GIVEN("a clock at 23:30 UTC on 1 December (00:30 in Amsterdam, winter time)") {
        ManualClock clock(at(sys_days(2026y / December / 1), hours(23), minutes(30)));
        THEN("today is 2 December") { CHECK(format_day(clock.today()) == "2026-12-02"); }
        THEN("now counts in microseconds and seconds since the epoch") {
            CHECK(clock.now_us() == clock.now_s() * 1'000'000);
            CHECK(clock.now_s() ==
                  sys_seconds(sys_days(2026y / December / 1) + hours(23) + minutes(30)).time_since_epoch().count());
        }
    }
    GIVEN("a clock at 21:59 UTC on 30 June (23:59 in Amsterdam, summer time)") {
        ManualClock clock(at(sys_days(2026y / June / 30), hours(21), minutes(59)));
        THEN("today is still 30 June, and a minute later it is 1 July") {
            CHECK(format_day(clock.today()) == "2026-06-30");
            clock.advance(minutes(1));
            CHECK(format_day(clock.today()) == "2026-07-01");
        }
    }
}

SCENARIO("a manual clock moves only when told, and never backwards", "[clock]") {
    const Clock::Instant start = at(sys_days(2026y / March / 2), hours(8));
    ManualClock clock(start);
    int told = 0;
    clock.on_advance([&] { ++told; });
    WHEN("nobody moves it") {
        THEN("it stands still") { CHECK(clock.now() == start); }
    }
    WHEN("it is advanced by 90 seconds") {
        const auto moved = clock.advance(seconds(90));
        THEN("now is 90 seconds later and the listener heard it") {
            CHECK(moved == start + seconds(90));
            CHECK(clock.now() == start + seconds(90));
            CHECK(told == 1);
        }
    }
    WHEN("it is set to an earlier instant or advanced by a negative step") {
        clock.advance(hours(1));
        clock.set(start);
        clock.advance(-minutes(5));
        THEN("it stays where it was") { CHECK(clock.now() == start + hours(1)); }
    }
    WHEN("it is set to a later instant") {
        clock.set(start + days(3));
        THEN("today follows") { CHECK(format_day(clock.today()) == "2026-03-05"); }
    }
}
