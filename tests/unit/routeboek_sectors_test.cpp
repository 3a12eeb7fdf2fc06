// Several routeboeken in one family plan: each pupil follows the routeboek of its school's sector
// (PO, VO), the family's shared tables get one task, and the family has one plan.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "eenplan/core/routeboek/engine.hpp"
#include "support/shipped_routeboek.hpp"

using namespace eenplan;
using namespace eenplan::routeboek;

namespace {

Day day(const char* text) { return *parse_day(text); }

std::vector<Decision> tick(const Engine& engine, PlanState& plan, Day today) {
    auto result = engine.apply(plan, TickEvent{today}, today);
    REQUIRE(result.ok());
    return result.value();
}

const Decision* find(const std::vector<Decision>& decisions, DecisionKind kind, const std::string& rule) {
    const auto it = std::find_if(decisions.begin(), decisions.end(),
                                 [&](const Decision& d) { return d.kind == kind && d.rule == rule; });
    return it == decisions.end() ? nullptr : &*it;
}

}  // namespace

TEST_CASE("the shipped VO routeboek is read as a VO routeboek with the school's zorgcoordinator", "[routeboek]") {
    const Routeboek& vo = testing::shipped_vo_routeboek();
    CHECK(vo.id == "haaglanden-vo");
    CHECK(vo.sector == "vo");
    CHECK(testing::shipped_routeboek().sector == "po");
    REQUIRE_FALSE(vo.on_escalation.empty());
    CHECK(vo.on_escalation.front().recipient == RecipientRole::zorgcoordinator);
}

SCENARIO("a VO sibling follows the VO routeboek inside the family plan", "[routeboek][sector]") {
    // The region has set its VO threshold at 3 school weeks (the shipped concept keeps 4).
    Routeboek vo = testing::shipped_vo_routeboek();
    vo.consecutive_absence->weeks = 3;
    const Routeboek& po = testing::shipped_routeboek();
    const Engine engine({&po, &vo}, &testing::shipped_school_calendar(), SchoolSectors{{"34CD", "vo"}});

    GIVEN("one family in Den Haag: a PO pupil at 12AB and a VO sibling at 34CD, both absent from Monday 2 November") {
        PlanState plan;
        plan.family_id = "fam-1";
        plan.woongemeente = "GM0518";
        plan.pupils.push_back({"pupil-po", "12AB", "GM0518"});
        plan.pupils.push_back({"pupil-vo", "34CD", "GM0518"});
        plan.absences.push_back({"pupil-po", day("2026-11-02"), std::nullopt, "ongeoorloofd", 0});
        plan.absences.push_back({"pupil-vo", day("2026-11-02"), std::nullopt, "ongeoorloofd", 0});
        CHECK(&engine.routeboek_for(plan.pupils[0], plan.woongemeente) == &po);
        CHECK(&engine.routeboek_for(plan.pupils[1], plan.woongemeente) == &vo);

        WHEN("the 14th school day passes") {
            THEN("nobody is escalated yet") { CHECK(tick(engine, plan, day("2026-11-19")).empty()); }
        }
        WHEN("the 15th school day (Friday 20 November) is evaluated") {
            const auto decisions = tick(engine, plan, day("2026-11-20"));
            THEN("the VO pupil escalates under the VO routeboek, with a task for its school's zorgcoördinator") {
                const Decision* escalate =
                    find(decisions, DecisionKind::escalate, "haaglanden-vo/escalation/consecutive_absence");
                REQUIRE(escalate != nullptr);
                CHECK(escalate->reason.find("15 school days") != std::string::npos);
                CHECK(plan.escalated_pupil == "pupil-vo");
                const auto zc = std::find_if(plan.open_tasks.begin(), plan.open_tasks.end(),
                                             [](const Task& t) { return t.type == "school.zorgcoordinator.case"; });
                REQUIRE(zc != plan.open_tasks.end());
                CHECK(zc->recipient == "school:34CD");
                CHECK(zc->pupil == "pupil-vo");
                CHECK(find(decisions, DecisionKind::escalate, "haaglanden-po/escalation/consecutive_absence") ==
                      nullptr);
            }
            AND_WHEN("the PO sibling reaches its own 20th school day (Friday 27 November)") {
                for (const char* d : {"2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26"}) {
                    CHECK(find(tick(engine, plan, day(d)), DecisionKind::escalate,
                               "haaglanden-po/escalation/consecutive_absence") == nullptr);
                }
                const auto later = tick(engine, plan, day("2026-11-27"));
                THEN("it escalates under the PO routeboek in the same plan, with its own school's tasks") {
                    REQUIRE(find(later, DecisionKind::escalate, "haaglanden-po/escalation/consecutive_absence") !=
                            nullptr);
                    CHECK(plan.escalated_pupil == "pupil-vo");  // one family escalation, led by the first
                    const auto continuity =
                        std::count_if(plan.open_tasks.begin(), plan.open_tasks.end(), [](const Task& t) {
                            return t.type == "school.continuity_of_education" && t.recipient == "school:12AB";
                        });
                    CHECK(continuity == 1);
                    // Only once per run.
                    CHECK(find(tick(engine, plan, day("2026-11-30")), DecisionKind::escalate,
                               "haaglanden-po/escalation/consecutive_absence") == nullptr);
                }
            }
        }
        WHEN("voluntary youth care is refused, reported for each child") {
            for (const char* pupil : {"pupil-po", "pupil-vo"}) {
                const SignalEvent event{
                    std::string("sig-") + pupil, pupil, day("2026-11-04"),
                    Signal{"2026-11-04T10:00:00+01:00", std::nullopt, YouthcareEnded{day("2026-11-04"), "refused"}}};
                REQUIRE(engine.apply(plan, event, day("2026-11-04")).ok());
            }
            THEN("the local team gets one task for the family's jeugdbeschermingstafel, not one per child") {
                const auto tasks = std::count_if(plan.open_tasks.begin(), plan.open_tasks.end(), [](const Task& t) {
                    return t.type == "jeugdbescherming.consider_registration";
                });
                CHECK(tasks == 1);
            }
        }
    }
}

SCENARIO("an inschrijving's sector chooses the pupil's routeboek", "[routeboek][sector]") {
    const Routeboek& po = testing::shipped_routeboek();
    const Routeboek& vo = testing::shipped_vo_routeboek();
    const Engine engine({&po, &vo}, &testing::shipped_school_calendar());
    GIVEN("a pupil of a PO school in a Rijswijk family") {
        PlanState plan;
        plan.family_id = "fam-2";
        plan.woongemeente = "GM0603";
        plan.pupils.push_back({"pupil-1", "12AB", "GM0518"});
        CHECK(&engine.routeboek_for(plan.pupils[0], plan.woongemeente) == &po);
        WHEN("a VO school reports its inschrijving with sector vo") {
            const SignalEvent event{"sig-1", "pupil-1", day("2026-08-24"),
                                    Signal{"2026-08-24T09:00:00+02:00", SchoolRef{"56EF", "GM0518", std::nullopt},
                                           EnrolmentStarted{day("2026-08-24"), std::string("vo"), std::nullopt}}};
            const auto decisions = engine.apply(plan, event, day("2026-08-24"));
            REQUIRE(decisions.ok());
            THEN("the pupil follows the VO routeboek from then on, and the notice goes under it") {
                CHECK(plan.pupil("pupil-1")->sector == "vo");
                CHECK(&engine.routeboek_for(*plan.pupil("pupil-1"), plan.woongemeente) == &vo);
                CHECK(find(decisions.value(), DecisionKind::notify, "haaglanden-vo/registration/enrolment_started") !=
                      nullptr);
            }
        }
    }
}
