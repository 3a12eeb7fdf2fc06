// The routeboek's terms in school days: with the school calendar, prevention windows, reminders and
// the attendance that ends an escalation count school days of the pupil's school (docs/routeboek.md
// lists each term's unit); without it, calendar days as before.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "eenplan/core/routeboek/engine.hpp"
#include "support/shipped_routeboek.hpp"

using namespace eenplan;
using namespace eenplan::routeboek;

namespace {

Day day(const char* text) { return *parse_day(text); }

// One Den Haag pupil (school 12AB, region midden), replayed day by day.
struct Pupil {
    Engine engine;
    PlanState plan;
    std::vector<std::pair<Day, Decision>> decisions;

    explicit Pupil(bool with_calendar)
        : engine(testing::shipped_routeboek(), with_calendar ? &testing::shipped_school_calendar() : nullptr) {
        plan.family_id = "fam-1";
        plan.woongemeente = "GM0518";
        plan.pupils.push_back({"pupil-1", "12AB", "GM0518"});
    }
    void apply(const Event& event, Day today) {
        auto result = engine.apply(plan, event, today);
        REQUIRE(result.ok());
        for (const Decision& d : result.value()) decisions.emplace_back(today, d);
    }
    void signal(SignalData data, const char* on) {
        apply(SignalEvent{std::string("sig-") + on, "pupil-1", day(on),
                          Signal{std::string(on) + "T08:00:00+01:00", std::nullopt, std::move(data)}},
              day(on));
    }
    void absent(const char* from, const char* to, const char* reported, double hours = 0) {
        AbsenceReported a{"ongeoorloofd", day(from), std::nullopt, std::nullopt};
        if (to) a.to = day(to);
        if (hours > 0) a.hours = hours;
        signal(a, reported);
    }
    void days(const char* from, const char* to) {
        for (Day d = day(from); d <= day(to); d += std::chrono::days(1)) apply(TickEvent{d}, d);
    }
    [[nodiscard]] std::optional<Day> first(DecisionKind kind, const std::string& rule) const {
        for (const auto& [on, d] : decisions) {
            if (d.kind == kind && d.rule == "haaglanden-po/" + rule) return on;
        }
        return std::nullopt;
    }
};

}  // namespace

SCENARIO("a reminder comes school days before its due date", "[routeboek][calendar][terms]") {
    GIVEN("a concern raised on Monday 23 November 2026: the support team's task is due Monday 30 November") {
        for (const bool with_calendar : {true, false}) {
            Pupil p(with_calendar);
            p.signal(ConcernRaised{"gm0518-jeugdteam", "welzijn", std::nullopt}, "2026-11-23");
            REQUIRE(p.plan.open_tasks.size() == 1);
            REQUIRE(p.plan.open_tasks.front().due == day("2026-11-30"));
            p.days("2026-11-23", "2026-11-30");
            const auto reminded = p.first(DecisionKind::reminder, "deadline/reminder");
            REQUIRE(reminded);
            if (with_calendar) {
                THEN("with the school calendar: three school days before, on Wednesday 25 November") {
                    CHECK(*reminded == day("2026-11-25"));
                }
            } else {
                THEN("without it: three calendar days before, on Friday 27 November") {
                    CHECK(*reminded == day("2026-11-27"));
                }
            }
        }
    }
}

SCENARIO("a prevention window of four weeks is four school weeks across the Christmas holiday",
         "[routeboek][calendar][terms]") {
    GIVEN("three one-day unauthorised absences: 14 and 17 December 2026 and 12 January 2027 (29 days apart)") {
        for (const bool with_calendar : {true, false}) {
            Pupil p(with_calendar);
            p.absent("2026-12-14", "2026-12-14", "2026-12-14", 5);
            p.absent("2026-12-17", "2026-12-17", "2026-12-17", 5);
            p.absent("2027-01-12", "2027-01-12", "2027-01-12", 5);
            const auto fired = p.first(DecisionKind::task, "prevention/repeated_short_unauthorised");
            if (with_calendar) {
                THEN("within 20 school days (12 here): the support team's task is made on 12 January") {
                    REQUIRE(fired);
                    CHECK(*fired == day("2027-01-12"));
                    bool reason = false;
                    for (const auto& [on, d] : p.decisions) {
                        reason = reason || d.reason.find("within 20 school days") != std::string::npos;
                    }
                    CHECK(reason);
                }
            } else {
                THEN("in calendar days the first lies outside the 28 days, and nothing fires") { CHECK_FALSE(fired); }
            }
        }
    }
}

SCENARIO("an escalation ends after the school days attended, not the holiday", "[routeboek][calendar][terms]") {
    GIVEN("a pupil absent from 2 November 2026, escalated on 27 November, back at school from Monday 7 December") {
        for (const bool with_calendar : {true, false}) {
            Pupil p(with_calendar);
            p.absent("2026-11-02", nullptr, "2026-11-02");
            p.days("2026-11-02", "2026-12-03");
            REQUIRE(p.plan.escalated_since.has_value());
            p.absent("2026-11-02", "2026-12-04", "2026-12-04");
            p.days("2026-12-04", "2027-01-20");
            const auto ended = p.first(DecisionKind::de_escalate, "de_escalation/attendance_resumed");
            REQUIRE(ended);
            if (with_calendar) {
                THEN("with the school calendar: after 20 school days attended, on Friday 15 January 2027") {
                    CHECK(*ended == day("2027-01-15"));
                }
            } else {
                THEN("without it: 28 calendar days on, in the Christmas holiday (2 January)") {
                    CHECK(*ended == day("2027-01-02"));
                }
            }
        }
    }
}
