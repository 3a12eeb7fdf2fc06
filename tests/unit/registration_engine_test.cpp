// Enrolment sync in the pure routeboek engine, on the shipped Haaglanden routeboek and school
// calendar: in- and uitschrijvingen to the woongemeente's leerplicht office, pupils without a
// school (absoluut verzuim after ten school days), transfers, and moves told to the school.
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <string>

#include "eenplan/core/registration/school_age.hpp"
#include "eenplan/core/routeboek/engine.hpp"
#include "support/shipped_routeboek.hpp"

using namespace eenplan;
using namespace eenplan::routeboek;

namespace {

Day day(const char* text) { return *parse_day(text); }

// One family with one pupil, living in `woongemeente`; signals come from the school they name.
struct Family {
    Engine engine;
    PlanState plan;
    std::vector<Decision> decisions;
    int signals = 0;

    explicit Family(std::string woongemeente, bool with_calendar = true)
        : engine(testing::shipped_routeboek(), with_calendar ? &testing::shipped_school_calendar() : nullptr) {
        plan.family_id = "fam-1";
        plan.woongemeente = std::move(woongemeente);
    }

    void apply(const Event& event, Day today) {
        auto result = engine.apply(plan, event, today);
        REQUIRE(result.ok());
        decisions.insert(decisions.end(), result.value().begin(), result.value().end());
    }
    void signal(SignalData data, const char* on, const std::string& brin, const std::string& gemeente,
                const std::string& pupil = "pupil-1") {
        SignalEvent s;
        s.pupil = pupil;
        s.on = day(on);
        s.signal_id = "sig-" + std::to_string(++signals);
        s.signal = Signal{std::string(on) + "T08:00:00Z", SchoolRef{brin, gemeente, std::nullopt}, std::move(data)};
        apply(s, day(on));
    }
    void started(const char* on, const std::string& brin, const std::string& gemeente, const char* sector = "po",
                 const std::string& pupil = "pupil-1") {
        signal(EnrolmentStarted{day(on), std::string(sector), std::nullopt}, on, brin, gemeente, pupil);
    }
    void ended(const char* on, const std::string& brin, const std::string& gemeente, const char* reason = "overig",
               const std::string& pupil = "pupil-1") {
        signal(EnrolmentEnded{day(on), reason}, on, brin, gemeente, pupil);
    }
    void days(const char* from, const char* to) {
        for (Day d = day(from); d <= day(to); d += std::chrono::days(1)) apply(TickEvent{d}, d);
    }
    void moved(const char* on, const std::string& gemeente, const char* from = nullptr) {
        SignalEvent s;
        s.pupil = "pupil-1";
        s.on = day(on);
        s.signal_id = "sig-" + std::to_string(++signals);
        s.signal = Signal{std::string(on) + "T08:00:00Z", std::nullopt, PersonMoved{gemeente, day(from ? from : on)}};
        apply(s, day(on));
    }
    [[nodiscard]] std::vector<Decision> of(DecisionKind kind, std::string_view rule_suffix) const {
        std::vector<Decision> out;
        std::copy_if(decisions.begin(), decisions.end(), std::back_inserter(out),
                     [&](const Decision& d) { return d.kind == kind && d.rule.ends_with(rule_suffix); });
        return out;
    }
    [[nodiscard]] const Task* open_task(std::string_view type) const {
        const auto it =
            std::find_if(plan.open_tasks.begin(), plan.open_tasks.end(), [&](const Task& t) { return t.type == type; });
        return it == plan.open_tasks.end() ? nullptr : &*it;
    }
};

}  // namespace

SCENARIO("an enrolment of a Rijswijk pupil at a Den Haag school is told to Rijswijk's leerplicht only",
         "[registration][routeboek]") {
    Family f("GM0603");
    f.started("2026-09-01", "12AB", "GM0518", "po");
    const auto notices = f.of(DecisionKind::notify, "registration/enrolment_started");
    REQUIRE(notices.size() == 1);
    const Task& notice = *notices.front().task;
    CHECK(notice.recipient == "gm0603-leerplicht");
    CHECK(notice.type == "leerplicht.inschrijving");
    CHECK(notice.facts.school_brin == "12AB");
    CHECK(notice.facts.date == "2026-09-01");
    CHECK(notice.facts.reason_code == "po");
    CHECK(notice.facts.woongemeente.empty());
    CHECK(f.plan.open_tasks.empty());  // a notification is not a task that stays open
    CHECK(f.of(DecisionKind::notify, "").size() == 1);
}

SCENARIO(
    "a pupil de-enrolled without a new school: absoluut verzuim after ten school days, closed by a later "
    "enrolment",
    "[registration][routeboek]") {
    Family f("GM0518");
    f.started("2026-09-01", "12AB", "GM0518");
    GIVEN("an uitschrijving on Friday 9 October, with the autumn holiday of region midden in the window") {
        f.ended("2026-10-09", "12AB", "GM0518", "verhuizing");
        CHECK(f.of(DecisionKind::notify, "registration/enrolment_ended").front().task->facts.reason_code ==
              "verhuizing");
        REQUIRE(f.plan.school_gaps.size() == 1);
        CHECK(f.plan.school_gaps.front().until == day("2026-10-30"));  // 5 school days, a holiday week, 5 more
        CHECK(f.engine.next_check(f.plan, day("2026-10-09")) == day("2026-10-10"));
        WHEN("no school enrols the pupil by the tenth school day") {
            f.days("2026-10-10", "2026-10-30");
            CHECK(f.of(DecisionKind::task, "registration/absoluut_verzuim").empty());
            f.days("2026-10-31", "2026-11-03");
            THEN("leerplicht of the woongemeente gets one absoluut-verzuim task with the school's facts") {
                REQUIRE(f.of(DecisionKind::task, "registration/absoluut_verzuim").size() == 1);
                const Task* task = f.open_task("leerplicht.absoluut_verzuim");
                REQUIRE(task);
                CHECK(task->recipient == "gm0518-leerplicht");
                CHECK(task->facts.school_brin == "12AB");
                CHECK(task->facts.date == "2026-10-09");
                CHECK(task->facts.reason_code == "verhuizing");
            }
            AND_WHEN("a school enrols the pupil later") {
                f.days("2026-10-31", "2026-11-03");
                f.started("2026-11-09", "34CD", "GM0518");
                THEN("the task closes and the pupil is no longer watched") {
                    CHECK(f.open_task("leerplicht.absoluut_verzuim") == nullptr);
                    CHECK(f.of(DecisionKind::close_task, "registration/enrolled_again").size() == 1);
                    CHECK(f.plan.school_gaps.empty());
                }
            }
        }
    }
}

SCENARIO("without a school calendar the window is ten weekdays", "[registration][routeboek]") {
    Family f("GM0518", false);
    f.ended("2026-10-09", "12AB", "GM0518");
    REQUIRE(f.plan.school_gaps.size() == 1);
    CHECK(f.plan.school_gaps.front().until == day("2026-10-23"));
}

SCENARIO("a transfer from PO to VO across municipalities raises nothing and tells both woongemeenten",
         "[registration][routeboek]") {
    Family f("GM0518");
    f.started("2026-09-01", "12AB", "GM0518", "po");
    f.ended("2026-10-09", "12AB", "GM0518", "schoolwissel");
    f.moved("2026-10-12", "GM0603");
    f.started("2026-10-14", "56EF", "GM0603", "vo");
    f.days("2026-10-15", "2026-12-01");

    CHECK(f.of(DecisionKind::task, "registration/absoluut_verzuim").empty());
    CHECK(f.plan.school_gaps.empty());
    const auto ended = f.of(DecisionKind::notify, "registration/enrolment_ended");
    REQUIRE(ended.size() == 1);
    CHECK(ended.front().task->recipient == "gm0518-leerplicht");
    const auto started = f.of(DecisionKind::notify, "registration/enrolment_started");
    REQUIRE(started.size() == 2);
    CHECK(started.front().task->recipient == "gm0518-leerplicht");
    CHECK(started.back().task->recipient == "gm0603-leerplicht");
    CHECK(started.back().task->facts.reason_code == "vo");
    // The PO school had already de-enrolled the pupil when the family moved: no school to tell.
    CHECK(f.of(DecisionKind::notify, "registration/woongemeente_changed").empty());
    const bool transfer_noted = std::any_of(f.plan.timeline.begin(), f.plan.timeline.end(), [](const TimelineEntry& e) {
        return e.rule.ends_with("registration/transfer");
    });
    CHECK(transfer_noted);
}

SCENARIO("the new school enrols before the old one de-enrols: a transfer, no watch", "[registration][routeboek]") {
    Family f("GM0518");
    f.started("2026-09-01", "12AB", "GM0518");
    f.started("2026-10-12", "34CD", "GM0518");
    f.ended("2026-10-09", "12AB", "GM0518", "schoolwissel");
    CHECK(f.plan.school_gaps.empty());
    f.days("2026-10-10", "2026-11-30");
    CHECK(f.of(DecisionKind::task, "registration/absoluut_verzuim").empty());
}

SCENARIO("end of compulsory schooling and exemptions start no search", "[registration][routeboek]") {
    Family f("GM0518");
    f.ended("2026-10-09", "12AB", "GM0518", "einde_leerplicht");
    f.ended("2026-10-09", "34CD", "GM0518", "vrijstelling", "pupil-2");
    CHECK(f.plan.school_gaps.empty());
    f.days("2026-10-10", "2026-11-30");
    CHECK(f.of(DecisionKind::task, "registration/absoluut_verzuim").empty());
    CHECK(f.of(DecisionKind::notify, "registration/enrolment_ended").size() == 2);
}

SCENARIO("a move tells the pupil's current school the new woongemeente, not the address", "[registration][routeboek]") {
    Family f("GM0518");
    f.started("2026-09-01", "12AB", "GM0518");
    f.moved("2026-11-02", "GM0603");
    const auto told = f.of(DecisionKind::notify, "registration/woongemeente_changed");
    REQUIRE(told.size() == 1);
    CHECK(told.front().task->recipient == "school:12AB");
    CHECK(told.front().task->facts.woongemeente == "GM0603");
    CHECK(told.front().task->facts.school_brin == "12AB");
    f.moved("2026-11-03", "GM0603");  // the same woongemeente again: nothing new
    CHECK(f.of(DecisionKind::notify, "registration/woongemeente_changed").size() == 1);
}

SCENARIO("an absoluut-verzuim task follows the family to its new woongemeente", "[registration][routeboek]") {
    Family f("GM0518");
    f.ended("2026-10-09", "12AB", "GM0518");
    f.days("2026-10-10", "2026-11-02");
    REQUIRE(f.open_task("leerplicht.absoluut_verzuim"));
    f.moved("2026-11-03", "GM1916");
    CHECK(f.open_task("leerplicht.absoluut_verzuim")->recipient == "gm1916-leerplicht");
}

SCENARIO("an in- or uitschrijving goes to the woongemeente of its own date, not today's", "[registration][routeboek]") {
    GIVEN("a Rijswijk pupil whose family moved to Den Haag on 14 September") {
        Family f("GM0603");
        f.moved("2026-09-14", "GM0518");
        REQUIRE(f.plan.woongemeente == "GM0518");
        WHEN("a Den Haag school reports on 16 September an inschrijving that started on 1 September") {
            f.signal(EnrolmentStarted{day("2026-09-01"), std::string("po"), std::nullopt}, "2026-09-16", "12AB",
                     "GM0518");
            THEN("Rijswijk's leerplicht office is told, where the pupil lived on that date") {
                const auto notices = f.of(DecisionKind::notify, "registration/enrolment_started");
                REQUIRE(notices.size() == 1);
                CHECK(notices.front().task->recipient == "gm0603-leerplicht");
                CHECK(notices.front().task->facts.date == "2026-09-01");
            }
            AND_WHEN("the school reports the uitschrijving of 30 September") {
                f.ended("2026-09-30", "12AB", "GM0518", "schoolwissel");
                THEN("Den Haag's leerplicht office is told") {
                    const auto notices = f.of(DecisionKind::notify, "registration/enrolment_ended");
                    REQUIRE(notices.size() == 1);
                    CHECK(notices.front().task->recipient == "gm0518-leerplicht");
                }
            }
        }
        WHEN("an older move to Leidschendam-Voorburg on 1 August is reported late") {
            f.moved("2026-09-20", "GM1916", "2026-08-01");
            THEN("today's woongemeente stays Den Haag, and the history has the three periods in date order") {
                CHECK(f.plan.woongemeente == "GM0518");
                REQUIRE(f.plan.residences.size() == 3);
                CHECK(f.plan.residences[0].gemeentecode == "GM0603");
                CHECK(f.plan.woongemeente_on(day("2026-07-31")) == "GM0603");
                CHECK(f.plan.woongemeente_on(day("2026-08-01")) == "GM1916");
                CHECK(f.plan.woongemeente_on(day("2026-09-13")) == "GM1916");
                CHECK(f.plan.woongemeente_on(day("2026-09-14")) == "GM0518");
            }
            AND_WHEN("an inschrijving of 20 August is reported") {
                f.signal(EnrolmentStarted{day("2026-08-20"), std::string("po"), std::nullopt}, "2026-09-21", "12AB",
                         "GM0518");
                THEN("Leidschendam-Voorburg's leerplicht office is told") {
                    const auto notices = f.of(DecisionKind::notify, "registration/enrolment_started");
                    REQUIRE(notices.size() == 1);
                    CHECK(notices.front().task->recipient == "gm1916-leerplicht");
                }
            }
        }
    }
}

SCENARIO("the school-age window from a birth year alone is as wide as any birth date in the year allows",
         "[registration]") {
    using registration::may_be_of_school_age;
    // Born 1 January 2021: leerplichtig from the first school day of February 2026.
    CHECK_FALSE(may_be_of_school_age(2021, day("2026-01-31")));
    CHECK(may_be_of_school_age(2021, day("2026-02-01")));
    // Born 31 December 2007: kwalificatieplichtig until 31 December 2025.
    CHECK(may_be_of_school_age(2007, day("2025-12-31")));
    CHECK_FALSE(may_be_of_school_age(2007, day("2026-01-01")));
}

SCENARIO("a de-enrolled pupil outside the school-age window by the municipality's birth year raises no task",
         "[registration][routeboek]") {
    const auto de_enrolled_with_birth_year = [](int birth_year) {
        auto f = std::make_unique<Family>("GM0518");
        f->started("2026-09-01", "12AB", "GM0518", "vo");
        f->signal(PersonMoved{"GM0518", day("2026-09-02"), birth_year}, "2026-09-02", "12AB", "GM0518");
        f->ended("2026-10-09", "12AB", "GM0518", "overig");
        f->days("2026-10-10", "2026-11-03");
        return f;
    };
    GIVEN("a pupil born in 2007, past kwalificatieplicht (18) by the end of 2025") {
        const auto f = de_enrolled_with_birth_year(2007);
        THEN("no absoluut-verzuim task, the watch ends, and the timeline says why") {
            CHECK(f->of(DecisionKind::task, "registration/absoluut_verzuim").empty());
            CHECK(f->plan.school_gaps.empty());
            CHECK(std::any_of(f->plan.timeline.begin(), f->plan.timeline.end(),
                              [](const TimelineEntry& e) { return e.rule.ends_with("registration/school_age"); }));
            REQUIRE(f->plan.pupil("pupil-1"));
            CHECK(f->plan.pupil("pupil-1")->birth_year == 2007);
        }
    }
    GIVEN("a child born in 2022, not leerplichtig before February 2027") {
        const auto f = de_enrolled_with_birth_year(2022);
        THEN("no absoluut-verzuim task") { CHECK(f->of(DecisionKind::task, "registration/absoluut_verzuim").empty()); }
    }
    GIVEN("a pupil born in 2008, who may still be kwalificatieplichtig in 2026") {
        const auto f = de_enrolled_with_birth_year(2008);
        THEN("the absoluut-verzuim task is raised as without a birth year") {
            CHECK(f->of(DecisionKind::task, "registration/absoluut_verzuim").size() == 1);
        }
    }
}
