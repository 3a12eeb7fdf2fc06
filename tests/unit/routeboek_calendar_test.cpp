// Dates are Europe/Amsterdam: the engine's "today" and the date of a signal's occurred_at are the
// Dutch civil date (CET/CEST), not the UTC date.
#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "eenplan/core/routeboek/engine.hpp"
#include "plan/signal_events.hpp"
#include "routeboek/school_calendar_loader.hpp"
#include "codec/signal_json.hpp"
#include "support/shipped_routeboek.hpp"

using namespace eenplan;
using namespace eenplan::routeboek;

namespace {

Day day(const char* text) { return *parse_day(text); }
std::chrono::sys_seconds at(const char* text) { return *parse_instant(text); }

}  // namespace

TEST_CASE("the Dutch date of an instant follows CET and CEST", "[routeboek][calendar]") {
    // Winter (CET, UTC+1): 23:30 UTC is 00:30 the next day in Den Haag.
    CHECK(dutch_day(at("2026-12-01T23:30:00Z")) == day("2026-12-02"));
    CHECK(dutch_day(at("2026-12-01T22:59:59Z")) == day("2026-12-01"));
    CHECK(dutch_day(at("2026-12-01T23:00:00Z")) == day("2026-12-02"));
    // Summer (CEST, UTC+2): 22:30 UTC is 00:30 the next day.
    CHECK(dutch_day(at("2026-07-14T22:30:00Z")) == day("2026-07-15"));
    CHECK(dutch_day(at("2026-07-14T21:59:59Z")) == day("2026-07-14"));
    // The switches: 2026-03-29 and 2026-10-25 are the last Sundays of March and October, at 01:00 UTC.
    CHECK(amsterdam_offset(at("2026-03-29T00:59:59Z")) == std::chrono::hours(1));
    CHECK(amsterdam_offset(at("2026-03-29T01:00:00Z")) == std::chrono::hours(2));
    CHECK(amsterdam_offset(at("2026-10-25T00:59:59Z")) == std::chrono::hours(2));
    CHECK(amsterdam_offset(at("2026-10-25T01:00:00Z")) == std::chrono::hours(1));
    CHECK(amsterdam_offset(at("2027-03-28T01:00:00Z")) == std::chrono::hours(2));  // 2027's last Sunday
    CHECK(amsterdam_offset(at("2027-03-27T23:00:00Z")) == std::chrono::hours(1));
    // Offsets in the text are honoured.
    CHECK(dutch_day(at("2026-12-02T00:30:00+01:00")) == day("2026-12-02"));
    CHECK(dutch_day(at("2026-12-01T18:30:00-05:00")) == day("2026-12-02"));
    CHECK(parse_instant("2026-12-01T23:30:00.123Z").has_value());
    CHECK_FALSE(parse_instant("2026-12-01T24:30:00Z").has_value());
    CHECK_FALSE(parse_instant("2026-12-01T23:30:00+0100").has_value());
    // A bare date, or a local time without an offset, is the Dutch date it names.
    CHECK(parse_dutch_day("2026-12-01") == day("2026-12-01"));
    CHECK(parse_dutch_day("2026-12-01T23:30:00") == day("2026-12-01"));
    CHECK_FALSE(parse_dutch_day("2026-13-01").has_value());
}

SCENARIO("a plan decision just after Dutch midnight uses the Dutch date", "[routeboek][calendar]") {
    const Routeboek& rb = testing::shipped_routeboek();
    Engine engine(rb);
    const char* instants[] = {"2026-12-01T23:30:00Z", "2026-07-14T22:30:00Z"};
    const char* dutch[] = {"2026-12-02", "2026-07-15"};
    for (int i = 0; i < 2; ++i) {
        GIVEN("a concern raised at " << instants[i]) {
            PlanState plan;
            plan.family_id = "fam-1";
            plan.woongemeente = "GM0518";
            plan.pupils.push_back({"pupil-1", "12AB", "GM0518"});
            const Signal signal{instants[i], std::nullopt, ConcernRaised{"gm0603-jeugdteam", "welzijn", std::nullopt}};
            // As the plan worker sees it: the stored envelope turned into an event.
            const auto event = service::to_event({"sig-1", signal_json::to_envelope_text(signal), "pupil-1"});
            REQUIRE(event.ok());
            WHEN("the plan worker applies it with today's Dutch date") {
                const Day today = dutch_day(at(instants[i]));
                auto decisions = engine.apply(plan, event.value(), today);
                REQUIRE(decisions.ok());
                THEN("the signal and the task it makes are dated the next Dutch day, not the UTC day") {
                    CHECK(event.value().on == day(dutch[i]));
                    REQUIRE_FALSE(decisions.value().empty());
                    bool task = false;
                    for (const Decision& d : decisions.value()) {
                        if (d.task) {
                            task = true;
                            CHECK(d.task->created == day(dutch[i]));
                        }
                    }
                    CHECK(task);
                    for (const TimelineEntry& e : plan.timeline) CHECK(e.at == day(dutch[i]));
                }
            }
        }
    }
}

// ---- The school calendar: school days per region, the shipped 2026-2028 data ----

namespace {

const SchoolCalendar& calendar() { return testing::shipped_school_calendar(); }

// One pupil at a Den Haag school (region midden), replayed day by day with or without the calendar.
struct Pupil {
    Engine engine;
    PlanState plan;
    std::vector<Decision> escalations;
    std::optional<Day> escalated_on;

    explicit Pupil(const SchoolCalendar* cal) : engine(testing::shipped_routeboek(), cal) {
        plan.family_id = "fam-1";
        plan.woongemeente = "GM0518";
        plan.pupils.push_back({"pupil-1", "12AB", "GM0518"});
    }
    std::vector<Decision> apply(const Event& event, Day today) {
        auto result = engine.apply(plan, event, today);
        REQUIRE(result.ok());
        for (const Decision& d : result.value()) {
            if (d.kind == DecisionKind::escalate) {
                escalations.push_back(d);
                if (!escalated_on) escalated_on = today;
            }
        }
        return result.value();
    }
    void absence(const char* from, const char* to, const char* reported) {
        AbsenceReported a{"ongeoorloofd", day(from), std::nullopt, std::nullopt};
        if (to) a.to = day(to);
        SignalEvent s{"sig-" + std::string(reported) + from, "pupil-1", day(reported),
                      Signal{std::string(reported) + "T08:00:00Z", std::nullopt, a}};
        apply(s, day(reported));
    }
    void days(const char* from, const char* to) {
        for (Day d = day(from); d <= day(to); d += std::chrono::days(1)) apply(TickEvent{d}, d);
    }
};

}  // namespace

TEST_CASE("the shipped school calendar: regions, holidays and national days off", "[routeboek][calendar]") {
    const SchoolCalendar& cal = calendar();
    // Den Haag, Rijswijk and Leidschendam-Voorburg lie in Zuid-Holland: region midden.
    CHECK(cal.region_of("12AB", "GM0518") == "midden");
    CHECK(cal.region_of("12AB", "GM0603") == "midden");
    CHECK(cal.region_of("12AB", "GM1916") == "midden");
    CHECK(cal.region_of("12AB", "GM0772") == "zuid");
    // The Christmas holiday 2026 is no school day anywhere; the Monday after it is.
    CHECK_FALSE(cal.is_school_day(day("2026-12-21"), "12AB", "GM0518"));
    CHECK_FALSE(cal.is_school_day(day("2027-01-01"), "12AB", "GM0772"));
    CHECK(cal.is_school_day(day("2027-01-04"), "12AB", "GM0518"));
    CHECK(cal.is_school_day(day("2026-12-18"), "12AB", "GM0518"));
    // Weekends and national days off.
    CHECK_FALSE(cal.is_school_day(day("2026-12-12"), "12AB", "GM0518"));
    CHECK_FALSE(cal.is_school_day(day("2027-03-29"), "12AB", "GM0518"));  // Tweede Paasdag
    CHECK_FALSE(cal.is_school_day(day("2028-04-27"), "12AB", "GM0518"));  // Koningsdag on a Thursday
    // The 2027-2028 summer differs per region: midden is back on 21 August, zuid is still off.
    CHECK(cal.is_school_day(day("2028-08-21"), "12AB", "GM0518"));
    CHECK_FALSE(cal.is_school_day(day("2028-08-21"), "12AB", "GM0772"));
    // Moving a day off to the next school day; counting school days.
    CHECK(cal.school_day_on_or_after(day("2026-12-19"), "12AB", "GM0518") == day("2027-01-04"));
    CHECK(cal.add_school_days(day("2026-12-17"), 2, "12AB", "GM0518") == day("2027-01-04"));
}

TEST_CASE("a school's region override and study days", "[routeboek][calendar]") {
    const auto parsed = service::parse_school_calendar(R"(
calendar: {id: test, source: test}
regions:
  noord: [{name: herfst, from: "2026-10-10", to: "2026-10-18"}]
  midden: [{name: herfst, from: "2026-10-17", to: "2026-10-25"}]
  zuid: []
national_days_off: []
municipalities: [{gemeentecode: GM0518, region: midden}]
schools:
  - brin: 99ZZ
    region: noord
    study_days: [{name: studiedag, from: "2026-11-23"}]
)");
    REQUIRE(parsed.ok());
    const SchoolCalendar& cal = parsed.value();
    CHECK(cal.region_of("99ZZ", "GM0518") == "noord");
    CHECK_FALSE(cal.is_school_day(day("2026-10-12"), "99ZZ", "GM0518"));  // noord's autumn
    CHECK(cal.is_school_day(day("2026-10-12"), "12AB", "GM0518"));        // midden is at school
    CHECK_FALSE(cal.is_school_day(day("2026-11-23"), "99ZZ", "GM0518"));  // its study day
    CHECK(cal.is_school_day(day("2026-11-23"), "12AB", "GM0518"));
}

TEST_CASE("a wrong school calendar is refused with the place of the problem", "[routeboek][calendar]") {
    const auto bad_date = service::parse_school_calendar(R"(
calendar: {id: test, source: test}
regions:
  noord: [{name: herfst, from: "2026-02-30"}]
  midden: [{name: herfst, from: "2026-10-25", to: "2026-10-17"}]
  zuid: []
national_days_off: []
municipalities: [{gemeentecode: GM0518, region: midden}, {gemeentecode: GM0518, region: noord}]
)");
    REQUIRE_FALSE(bad_date.ok());
    std::vector<std::string> pointers;
    for (const Problem& p : bad_date.problems()) pointers.push_back(p.pointer);
    CHECK(std::find(pointers.begin(), pointers.end(), "/regions/noord/0/from") != pointers.end());
    CHECK(std::find(pointers.begin(), pointers.end(), "/regions/midden/0/to") != pointers.end());
    CHECK(std::find(pointers.begin(), pointers.end(), "/municipalities/1/gemeentecode") != pointers.end());
    // The schema: an unknown region, a missing part.
    CHECK_FALSE(service::parse_school_calendar("calendar: {id: t, source: t}\nregions: {noord: [], midden: [], "
                                               "zuid: [], west: []}\nnational_days_off: []\nmunicipalities: []\n")
                    .ok());
    CHECK_FALSE(service::parse_school_calendar("calendar: {id: t, source: t}\nregions: {noord: [], midden: []}\n"
                                               "national_days_off: []\nmunicipalities: []\n")
                    .ok());
}

SCENARIO("the Christmas case: four school weeks of absence around the holiday escalate on the 20th school day",
         "[routeboek][calendar]") {
    GIVEN("a Den Haag pupil absent the two school weeks before Christmas 2026 and the two after") {
        WHEN("the engine counts in school days") {
            Pupil p(&calendar());
            p.absence("2026-12-07", "2026-12-18", "2026-12-18");
            p.days("2026-12-07", "2027-01-03");
            p.absence("2027-01-04", nullptr, "2027-01-04");
            p.days("2027-01-04", "2027-01-20");
            THEN("the escalation starts on Friday 15 January 2027, the 20th school day, not before") {
                REQUIRE(p.escalated_on.has_value());
                CHECK(*p.escalated_on == day("2027-01-15"));
                CHECK(p.escalations.size() == 1);
                CHECK(p.plan.first_worrying == day("2026-12-07"));
                REQUIRE_FALSE(p.escalations.empty());
                CHECK(p.escalations.front().reason.find("20 school days") != std::string::npos);
            }
        }
        WHEN("it counted calendar days, as before the school calendar") {
            Pupil p(nullptr);
            p.absence("2026-12-07", "2026-12-18", "2026-12-18");
            p.days("2026-12-07", "2027-01-03");
            p.absence("2027-01-04", nullptr, "2027-01-04");
            p.days("2027-01-04", "2027-01-20");
            THEN("the holiday broke the run and the pupil was missed") { CHECK_FALSE(p.escalated_on.has_value()); }
        }
    }
}

SCENARIO("absence across a holiday week is counted in school days", "[routeboek][calendar]") {
    const ConsecutiveAbsenceTrigger trigger = *testing::shipped_routeboek().consecutive_absence;
    GIVEN("a Den Haag pupil reported absent from 12 to 30 October 2026, across the autumn holiday (17-25)") {
        const std::vector<AbsencePeriod> absences{{"pupil-1", day("2026-10-12"), day("2026-10-30"), "ongeoorloofd", 0}};
        THEN("the holiday days are not counted: ten school days, not nineteen calendar days") {
            const auto run = current_absence_run_in_school_days(absences, "pupil-1", day("2026-10-30"), trigger,
                                                                calendar(), "12AB", "GM0518");
            REQUIRE(run);
            CHECK(run->counted_days == 10);
            CHECK(run->first_counted == day("2026-10-12"));
        }
    }
    GIVEN("absence up to the holiday and resumed after it, reported as two periods") {
        const std::vector<AbsencePeriod> absences{{"pupil-1", day("2026-10-05"), day("2026-10-16"), "ongeoorloofd", 0},
                                                  {"pupil-1", day("2026-10-26"), std::nullopt, "ongeoorloofd", 0}};
        THEN("the holiday neither breaks nor extends the run") {
            const auto run = current_absence_run_in_school_days(absences, "pupil-1", day("2026-10-28"), trigger,
                                                                calendar(), "12AB", "GM0518");
            REQUIRE(run);
            CHECK(run->counted_days == 13);  // 5-9, 12-16 October, 26-28 October
            CHECK(run->first_counted == day("2026-10-05"));
        }
    }
    GIVEN("a school day without absence inside the run") {
        const std::vector<AbsencePeriod> absences{{"pupil-1", day("2026-11-02"), day("2026-11-05"), "ongeoorloofd", 0},
                                                  {"pupil-1", day("2026-11-09"), std::nullopt, "ongeoorloofd", 0}};
        THEN("the pupil was at school on Friday 6 November: the run starts again on the 9th") {
            const auto run = current_absence_run_in_school_days(absences, "pupil-1", day("2026-11-11"), trigger,
                                                                calendar(), "12AB", "GM0518");
            REQUIRE(run);
            CHECK(run->counted_days == 3);
            CHECK(run->first_counted == day("2026-11-09"));
        }
    }
    GIVEN("illness inside the run") {
        const std::vector<AbsencePeriod> absences{{"pupil-1", day("2026-11-02"), day("2026-11-04"), "ongeoorloofd", 0},
                                                  {"pupil-1", day("2026-11-05"), day("2026-11-06"), "ziekte", 0},
                                                  {"pupil-1", day("2026-11-09"), std::nullopt, "ongeoorloofd", 0}};
        THEN("ill days neither count nor break the run") {
            const auto run = current_absence_run_in_school_days(absences, "pupil-1", day("2026-11-10"), trigger,
                                                                calendar(), "12AB", "GM0518");
            REQUIRE(run);
            CHECK(run->counted_days == 5);
            CHECK(run->first_counted == day("2026-11-02"));
        }
    }
}

SCENARIO("a due date that falls in a holiday moves to the next school day", "[routeboek][calendar]") {
    GIVEN("a concern raised on Monday 14 December 2026: the task is due in 7 days, on the 21st") {
        const SignalEvent concern{
            "sig-1", "pupil-1", day("2026-12-14"),
            Signal{"2026-12-14T08:00:00Z", std::nullopt, ConcernRaised{"gm0603-jeugdteam", "welzijn", std::nullopt}}};
        THEN("with the school calendar it is due on the first school day after Christmas") {
            Pupil p(&calendar());
            p.apply(concern, day("2026-12-14"));
            REQUIRE(p.plan.open_tasks.size() == 1);
            CHECK(p.plan.open_tasks.front().due == day("2027-01-04"));
        }
        THEN("without it, on the 21st") {
            Pupil p(nullptr);
            p.apply(concern, day("2026-12-14"));
            REQUIRE(p.plan.open_tasks.size() == 1);
            CHECK(p.plan.open_tasks.front().due == day("2026-12-21"));
        }
    }
}

SCENARIO("a sibling's plan joins the family plan with its timeline", "[routeboek][adoption]") {
    GIVEN("a family plan for one child and a plan of its own for the sibling, escalated") {
        PlanState family;
        family.family_id = "fam-1";
        family.woongemeente = "GM0518";
        family.pupils.push_back({"pupil-a", "12AB", "GM0518"});
        family.absences.push_back({"pupil-a", day("2026-11-02"), day("2026-11-03"), "ongeoorloofd", 0});
        family.timeline.push_back({day("2026-11-03"), "signal", "absence.reported", "signal received", "sig-a"});
        family.next_task = 3;
        PlanState sibling;
        sibling.family_id = "pupil-b";
        sibling.pupils.push_back({"pupil-b", "34CD", "GM0603"});
        sibling.absences.push_back({"pupil-b", day("2026-10-01"), std::nullopt, "ongeoorloofd", 0});
        sibling.escalated_since = day("2026-10-29");
        sibling.first_worrying = day("2026-10-01");
        sibling.escalated_pupil = "pupil-b";
        sibling.open_tasks.push_back(Task{"pupil-b/1", "mdo.organise", "MDO", "school:34CD", "pupil-b", "", "r",
                                          day("2026-10-29"), day("2026-11-05")});
        sibling.timeline.push_back({day("2026-10-01"), "signal", "absence.reported", "signal received", "sig-b"});
        sibling.timeline.push_back({day("2026-10-29"), "escalate", "r", "4 weeks", "mdo"});
        sibling.next_task = 2;
        WHEN("the family plan adopts it") {
            adopt_plan(family, sibling);
            THEN("both pupils, both absences, the sibling's escalation and task, both timelines in date order") {
                REQUIRE(family.pupils.size() == 2);
                CHECK(family.pupil("pupil-b")->school_brin == "34CD");
                CHECK(family.absences.size() == 2);
                CHECK(family.escalated_since == day("2026-10-29"));
                CHECK(family.escalated_pupil == "pupil-b");
                REQUIRE(family.open_tasks.size() == 1);
                CHECK(family.open_tasks.front().id == "pupil-b/1");
                REQUIRE(family.timeline.size() == 3);
                CHECK(family.timeline[0].ref == "sig-b");
                CHECK(family.timeline[1].kind == "escalate");
                CHECK(family.timeline[2].ref == "sig-a");
                CHECK(family.next_task == 3);
                CHECK(family.woongemeente == "GM0518");
            }
            AND_WHEN("the engine goes on with the family") {
                Engine engine(testing::shipped_routeboek());
                auto decisions = engine.apply(family, TickEvent{day("2026-11-04")}, day("2026-11-04"));
                REQUIRE(decisions.ok());
                THEN("one plan carries on: no second escalation") {
                    for (const Decision& d : decisions.value()) CHECK(d.kind != DecisionKind::escalate);
                }
            }
        }
    }
}

TEST_CASE("a clock tick prunes periods that ended more than a school year ago", "[routeboek][prune]") {
    PlanState plan;
    plan.family_id = "fam-1";
    plan.woongemeente = "GM0518";
    plan.pupils.push_back({"pupil-1", "12AB", "GM0518"});
    plan.absences.push_back({"pupil-1", day("2025-09-01"), day("2025-09-05"), "ongeoorloofd", 0});
    plan.absences.push_back({"pupil-1", day("2026-01-12"), day("2026-01-14"), "ongeoorloofd", 0});
    plan.absences.push_back({"pupil-1", day("2025-06-01"), std::nullopt, "ziekte", 0});  // still open: kept
    plan.partial.push_back({"pupil-1", day("2025-03-01"), day("2025-06-30"), 2});
    plan.fired.push_back("short_absences|pupil-1|2025-09-01");
    plan.fired.push_back("short_absences|pupil-1|2026-01-12");
    Engine engine(testing::shipped_routeboek());
    REQUIRE(engine.apply(plan, TickEvent{day("2026-12-01")}, day("2026-12-01")).ok());
    REQUIRE(plan.absences.size() == 2);
    CHECK(plan.absences[0].from == day("2026-01-12"));
    CHECK_FALSE(plan.absences[1].to.has_value());
    CHECK(plan.partial.empty());
    CHECK(plan.fired == std::vector<std::string>{"short_absences|pupil-1|2026-01-12"});
}
