// Enrolment sync in the pure routeboek engine, on the shipped Haaglanden routeboek and school
// calendar: in- and uitschrijvingen to the woongemeente's leerplicht office, pupils without a
// school (absoluut verzuim after ten school days), transfers, and moves told to the school.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

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
    void moved(const char* on, const std::string& gemeente) {
        SignalEvent s;
        s.pupil = "pupil-1";
        s.on = day(on);
        s.signal_id = "sig-" + std::to_string(++signals);
        s.signal = Signal{std::string(on) + "T08:00:00Z", std::nullopt, PersonMoved{gemeente, day(on)}};
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
