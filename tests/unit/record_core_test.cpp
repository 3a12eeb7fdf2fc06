// The pure rules of record-keeping: which record a signal's identifiers link to, when scores make
// a match, the family's responsible municipality over time, and which merges may be made or undone.
#include <catch2/catch.hpp>

#include "eenplan/core/record/merges.hpp"
#include "eenplan/core/record/pupil_linking.hpp"
#include "eenplan/core/record/residence.hpp"

using namespace eenplan::record;
using eenplan::linkage::Decision;

SCENARIO("a signal's identifiers decide its record deterministically", "[record]") {
    GIVEN("no identifier") {
        const LinkPlan plan = plan_deterministic_link({});
        THEN("the probabilistic path is taken") { CHECK(plan.action == LinkAction::probabilistic); }
    }
    GIVEN("identifiers nobody knows") {
        const std::vector<IdentifierSighting> s{{"onderwijsnummer", "kp1:1:o", {}, {}}};
        const LinkPlan plan = plan_deterministic_link(s);
        THEN("a new record holds them") {
            CHECK(plan.action == LinkAction::create_pupil);
            CHECK(plan.rule == "deterministic.new_record");
            CHECK(plan.new_identifiers == std::vector<std::size_t>{0});
        }
    }
    GIVEN("a known onderwijsnummer and a new BSN on one signal") {
        const std::vector<IdentifierSighting> s{{"bsn", "kp1:1:b", {}, {}}, {"onderwijsnummer", "kp1:1:o", "P1", "P1"}};
        const LinkPlan plan = plan_deterministic_link(s);
        THEN("the BSN is added to the onderwijsnummer's record") {
            CHECK(plan.action == LinkAction::link_existing);
            CHECK(plan.pupil == "P1");
            CHECK(plan.rule == "deterministic.onderwijsnummer");
            CHECK(plan.new_identifiers == std::vector<std::size_t>{0});
            CHECK(plan.to_merge.empty());
        }
    }
    GIVEN("a BSN and an onderwijsnummer known on two different records") {
        const std::vector<IdentifierSighting> s{{"onderwijsnummer", "kp1:1:o", "P1", "P1"},
                                                {"bsn", "kp1:1:b", "P2", "R2"}};
        const LinkPlan plan = plan_deterministic_link(s);
        THEN("the BSN's record survives and the other root is merged into it") {
            CHECK(plan.pupil == "P2");
            CHECK(plan.pupil_root == "R2");
            CHECK(plan.rule == "deterministic.bsn");
            CHECK(plan.to_merge == std::vector<std::string>{"P1"});
        }
    }
    GIVEN("two identifiers on records already merged into one") {
        const std::vector<IdentifierSighting> s{{"onderwijsnummer", "kp1:1:o", "P1", "R"},
                                                {"bsn", "kp1:1:b", "P2", "R"}};
        THEN("nothing is merged") { CHECK(plan_deterministic_link(s).to_merge.empty()); }
    }
}

SCENARIO("Dice scores per record give match, possible match or no match", "[record]") {
    const eenplan::linkage::Thresholds t{0.80, 0.68, 0.03};
    WHEN("nothing was proposed by blocking") {
        const auto link = decide_probabilistic_link({}, t, 3);
        THEN("no match, saying why") {
            CHECK(link.decision == Decision::no_match);
            CHECK(link.evidence.rule == "pprl.clk_dice.v1/no_candidates");
            CHECK(link.evidence.key_version == 3);
        }
    }
    WHEN("one record scores high with two encodings") {
        const std::vector<ScoredEncoding> s{
            {"A1", "A", 0.95, 1, {}}, {"A2", "A", 0.91, 2, {}}, {"B", "B", 0.40, 1, {}}};
        const auto link = decide_probabilistic_link(s, t, 1);
        THEN("its own second spelling does not make it ambiguous") {
            CHECK(link.decision == Decision::match);
            CHECK(link.pupil == "A1");
            CHECK(link.root == "A");
            CHECK(link.evidence.score == Approx(0.95));
            CHECK(link.evidence.runner_up == Approx(0.40));
            CHECK(link.evidence.candidates == 2);
        }
    }
    WHEN("two records score almost the same (twins)") {
        const std::vector<ScoredEncoding> s{{"A", "A", 0.92, 1, {}}, {"B", "B", 0.91, 1, {}}};
        THEN("it is only a possible match") {
            CHECK(decide_probabilistic_link(s, t, 1).decision == Decision::possible_match);
        }
    }
    WHEN("the best score lies between the thresholds") {
        const std::vector<ScoredEncoding> s{{"A", "A", 0.72, 1, {}}};
        const auto link = decide_probabilistic_link(s, t, 1);
        THEN("it goes to review with the candidate") {
            CHECK(link.decision == Decision::possible_match);
            CHECK(link.root == "A");
        }
    }
    WHEN("the best score is below possible") {
        const std::vector<ScoredEncoding> s{{"A", "A", 0.5, 1, {}}};
        const auto link = decide_probabilistic_link(s, t, 1);
        THEN("no match and no record") {
            CHECK(link.decision == Decision::no_match);
            CHECK_FALSE(link.pupil);
        }
    }
}

SCENARIO("the family's responsible municipality follows registrations and moves by date", "[record]") {
    const std::vector<ResidenceEvent> events{
        {"2026-03-01", "GM0603", 30, "move", "person.moved"},
        {"2026-01-10", "GM0518", 10, "household", "household.composition"},
        {"2026-02-01", "GM0518", 20, "again", "household.composition"},
    };
    const auto history = residence_history(events);
    THEN("periods are in date order, a repeat extends the period, a move closes it") {
        REQUIRE(history.size() == 2);
        CHECK(history[0].gemeentecode == "GM0518");
        CHECK(history[0].from_date == "2026-01-10");
        CHECK(history[0].until_date == "2026-03-01");
        CHECK(history[1].gemeentecode == "GM0603");
        CHECK_FALSE(history[1].until_date);
        CHECK(history[1].cause == "person.moved");
    }
    THEN("the date decides which municipality is responsible") {
        CHECK_FALSE(responsible_municipality(history, "2026-01-09"));
        CHECK(responsible_municipality(history, "2026-01-10") == "GM0518");
        CHECK(responsible_municipality(history, "2026-02-28") == "GM0518");
        CHECK(responsible_municipality(history, "2026-03-01") == "GM0603");
    }
    THEN("of two events on one date, the one recorded last holds") {
        const auto same_day = residence_history(
            {{"2026-05-01", "GM0603", 2, "b", "person.moved"}, {"2026-05-01", "GM1916", 1, "a", "person.moved"}});
        REQUIRE(same_day.size() == 1);
        CHECK(same_day[0].gemeentecode == "GM0603");
    }
}

SCENARIO("merges form a forest that can be undone link by link", "[record]") {
    MergeLinks links{{"A", "B"}, {"B", "C"}};
    CHECK(resolve_root(links, "A") == "C");
    CHECK(resolve_root(links, "D") == "D");
    CHECK(check_merge(links, "C", "D").empty());
    CHECK(check_merge(links, "C", "C").size() == 1);
    CHECK(check_merge(links, "C", "A").front().pointer == "/with");
    CHECK(check_undo(links, {"A", "B", false}).empty());
    CHECK(check_undo(links, {"A", "B", true}).size() == 1);
    CHECK(check_undo(links, {"A", "C", false}).size() == 1);
    links.erase("B");
    CHECK(resolve_root(links, "A") == "B");
    MergeLinks cycle{{"A", "B"}, {"B", "A"}};
    CHECK_THROWS_AS(resolve_root(cycle, "A"), std::logic_error);
}
