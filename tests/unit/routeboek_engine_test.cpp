// Scenario tests of the routeboek engine on the shipped Haaglanden PO routeboek
// (deploy/config/routeboek-haaglanden-po.yaml): dated signal sequences replayed through the pure
// engine, one scenario per rule. The service runs the same engine on stored plans
// (tests/integration/routeboek_http_test.cpp).
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "eenplan/core/routeboek/engine.hpp"
#include "routeboek/routeboek_loader.hpp"
#include "support/shipped_routeboek.hpp"

using namespace eenplan;
using namespace eenplan::routeboek;

namespace {

const Routeboek& haaglanden() { return testing::shipped_routeboek(); }

Day day(const char* text) { return *parse_day(text); }

// One family: a pupil at a school, living in a municipality, replayed day by day.
struct Family {
    Engine engine{haaglanden()};
    PlanState plan;
    std::vector<Decision> decisions;

    Family(std::string woongemeente, std::string brin = "12AB", std::string school_gemeente = "GM0518") {
        plan.family_id = "fam-1";
        plan.woongemeente = std::move(woongemeente);
        plan.pupils.push_back({"pupil-1", std::move(brin), std::move(school_gemeente)});
    }

    std::vector<Decision> apply(const Event& event, Day today) {
        auto result = engine.apply(plan, event, today);
        REQUIRE(result.ok());
        decisions.insert(decisions.end(), result.value().begin(), result.value().end());
        return result.value();
    }
    SignalEvent signal(SignalData data, const char* on) {
        SignalEvent s;
        s.pupil = "pupil-1";
        s.on = day(on);
        s.signal_id = "sig-" + std::to_string(decisions.size());
        s.signal = Signal{std::string(on) + "T08:00:00Z", std::nullopt, std::move(data)};
        return s;
    }
    void absence(const char* from, const char* to, const char* kind, const char* reported) {
        AbsenceReported a{kind, day(from), std::nullopt, std::nullopt};
        if (to) a.to = day(to);
        apply(signal(a, reported), day(reported));
    }
    // Daily ticks from `from` to `to`, as the service's schedule would run them.
    void days(const char* from, const char* to) {
        for (Day d = day(from); d <= day(to); d += std::chrono::days(1)) apply(TickEvent{d}, d);
    }
    void mdo(const char* on, bool escalate) {
        MdoHeld m;
        m.escalate = escalate;
        apply(signal(m, on), day(on));
    }
    void outcome(const char* on, const char* table, const char* result, const char* regisseur = "") {
        TableOutcome o{table, result, std::string(regisseur)};
        apply(signal(o, on), day(on));
    }
    [[nodiscard]] const Task* open_task(std::string_view type) const {
        const auto it =
            std::find_if(plan.open_tasks.begin(), plan.open_tasks.end(), [&](const Task& t) { return t.type == type; });
        return it == plan.open_tasks.end() ? nullptr : &*it;
    }
    [[nodiscard]] int count(DecisionKind kind, std::string_view rule_suffix = "") const {
        return static_cast<int>(std::count_if(decisions.begin(), decisions.end(), [&](const Decision& d) {
            return d.kind == kind && d.rule.ends_with(rule_suffix);
        }));
    }
};

}  // namespace

SCENARIO("four weeks of consecutive unauthorised absence start the escalation", "[routeboek]") {
    Family f("GM0518");
    f.absence("2026-09-07", nullptr, "ongeoorloofd", "2026-09-07");
    f.days("2026-09-08", "2026-10-03");
    CHECK_FALSE(f.plan.escalated_since);  // 27 days
    f.days("2026-10-04", "2026-10-04");   // the 28th day
    REQUIRE(f.plan.escalated_since == day("2026-10-04"));
    CHECK(f.plan.first_worrying == day("2026-09-07"));
    CHECK(f.count(DecisionKind::escalate, "escalation/consecutive_absence") == 1);
    // The school keeps its duty of care; the MDO and leerplicht of the woongemeente are called in.
    REQUIRE(f.open_task("school.continuity_of_education"));
    CHECK(f.open_task("school.continuity_of_education")->recipient == "school:12AB");
    CHECK(f.open_task("mdo.plan")->recipient == "school:12AB");
    CHECK(f.open_task("leerplicht.zorgwekkend_verzuim")->recipient == "gm0518-leerplicht");
    f.days("2026-10-05", "2026-10-20");
    CHECK(f.count(DecisionKind::escalate) == 1);  // once, not every day
}

SCENARIO("four school weeks reported week by week count as four weeks", "[routeboek]") {
    Family f("GM0518");
    for (const auto& [from, to] : {std::pair{"2026-09-07", "2026-09-11"},
                                   {"2026-09-14", "2026-09-18"},
                                   {"2026-09-21", "2026-09-25"},
                                   {"2026-09-28", "2026-10-02"}}) {
        f.absence(from, to, "ongeoorloofd", to);
    }
    f.days("2026-10-02", "2026-10-03");
    CHECK_FALSE(f.plan.escalated_since);
    f.days("2026-10-04", "2026-10-04");  // the Sunday that ends the fourth week
    CHECK(f.plan.escalated_since == day("2026-10-04"));

    WHEN("the pupil is back after three weeks, the run breaks") {
        Family g("GM0518");
        g.absence("2026-09-07", "2026-09-25", "ongeoorloofd", "2026-09-25");
        g.days("2026-09-26", "2026-10-20");
        CHECK_FALSE(g.plan.escalated_since);
    }
}

SCENARIO("absence explained by illness does not escalate", "[routeboek]") {
    Family f("GM0518");
    f.absence("2026-09-07", "2026-10-30", "ziekte", "2026-09-07");
    f.days("2026-09-08", "2026-10-30");
    CHECK_FALSE(f.plan.escalated_since);
    CHECK(f.plan.open_tasks.empty());

    WHEN("illness interrupts unauthorised absence, only the unexplained days count") {
        Family g("GM0518");
        g.absence("2026-09-07", "2026-09-20", "ongeoorloofd", "2026-09-07");
        g.absence("2026-09-21", "2026-09-27", "ziekte", "2026-09-21");
        g.absence("2026-09-28", nullptr, "ongeoorloofd", "2026-09-28");
        g.days("2026-09-08", "2026-10-10");
        CHECK_FALSE(g.plan.escalated_since);  // 14 + 13 counted days by 10 October
        g.days("2026-10-11", "2026-10-11");
        CHECK(g.plan.escalated_since == day("2026-10-11"));
    }
}

SCENARIO("Den Haag: management afstemming within 8 weeks, then the adviestafel, never a doorbraaktafel",
         "[routeboek]") {
    Family f("GM0518");
    f.absence("2026-09-07", nullptr, "ongeoorloofd", "2026-09-07");
    f.days("2026-09-08", "2026-10-05");
    f.mdo("2026-10-06", true);
    REQUIRE(f.plan.table == "management_afstemming");
    const Task* reg = f.open_task("table.register");
    REQUIRE(reg);
    CHECK(reg->recipient == "school:12AB");
    CHECK(reg->due == day("2026-11-02"));  // 8 weeks after 7 September
    CHECK(f.open_task("mdo.plan") == nullptr);
    CHECK(f.open_task("school.continuity_of_education"));  // duty of care stays

    f.outcome("2026-10-20", "management_afstemming", "unresolved");
    REQUIRE(f.plan.table == "adviestafel");
    reg = f.open_task("table.register");
    CHECK(reg->recipient == "sppoh");  // management afstemming registers with the regisseur sociaal domein
    CHECK(reg->title.find("regisseur sociaal domein") != std::string::npos);

    f.outcome("2026-11-10", "adviestafel", "unresolved");
    CHECK(f.plan.table == "directeurenniveau");
    f.outcome("2026-11-24", "directeurenniveau", "unresolved");
    CHECK(f.plan.table == "directeurenniveau");  // top of the ladder
    CHECK(std::none_of(f.decisions.begin(), f.decisions.end(),
                       [](const Decision& d) { return d.table == "doorbraaktafel"; }));

    OverrideEvent to_doorbraak{
        {OverrideKind::choose_table, "doorbraaktafel", 0, "directors are stuck", "prof-1", {}, false}};
    auto refused = f.engine.apply(f.plan, to_doorbraak, day("2026-11-25"));
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.problems().front().pointer == "/table");
}

SCENARIO("Rijswijk: the adviestafel through the jeugdteam, then the doorbraaktafel", "[routeboek]") {
    Family f("GM0603", "34CD", "GM0603");
    f.absence("2026-09-07", nullptr, "ongeoorloofd", "2026-09-07");
    f.days("2026-09-08", "2026-10-05");
    f.mdo("2026-10-06", true);
    REQUIRE(f.plan.table == "adviestafel");
    const Task* reg = f.open_task("table.register");
    CHECK(reg->recipient == "school:34CD");
    CHECK(reg->title.find("Jeugdteam Rijswijk, teamleider") != std::string::npos);
    const Task* notify = f.open_task("table.notify");
    REQUIRE(notify);
    CHECK(notify->recipient == "gm0603-jeugdteam-manager");

    f.outcome("2026-10-27", "adviestafel", "unresolved");
    CHECK(f.plan.table == "doorbraaktafel");
    CHECK(f.open_task("table.register")->recipient == "gm0603-jeugdteam-teamleider");
}

SCENARIO("grensverkeer: a pupil living in Rijswijk at a Den Haag school", "[routeboek]") {
    Family f("GM0603", "12AB", "GM0518");
    f.absence("2026-09-07", nullptr, "ongeoorloofd", "2026-09-07");
    f.days("2026-09-08", "2026-10-05");
    CHECK(f.open_task("school.continuity_of_education")->recipient == "school:12AB");
    CHECK(f.open_task("leerplicht.zorgwekkend_verzuim")->recipient == "gm0603-leerplicht");
    f.mdo("2026-10-06", true);
    CHECK(f.plan.table == "adviestafel");  // Rijswijk's ladder, not Den Haag's management afstemming

    SignalEvent refused = f.signal(YouthcareEnded{day("2026-10-20"), "refused"}, "2026-10-20");
    f.apply(refused, day("2026-10-20"));
    const Task* jbt = f.open_task("jeugdbescherming.consider_registration");
    REQUIRE(jbt);
    CHECK(jbt->recipient == "gm0603-jeugdteam");  // the woongemeente's team, not Den Haag's
}

SCENARIO("a move hands the open tasks to the new woongemeente", "[routeboek]") {
    Family f("GM0518");
    f.absence("2026-09-07", nullptr, "ongeoorloofd", "2026-09-07");
    f.days("2026-09-08", "2026-10-05");
    f.mdo("2026-10-06", true);
    f.outcome("2026-10-20", "management_afstemming", "unresolved");
    REQUIRE(f.plan.table == "adviestafel");

    SignalEvent move = f.signal(PersonMoved{"GM0603", day("2026-11-01")}, "2026-11-01");
    f.apply(move, day("2026-11-01"));
    CHECK(f.plan.woongemeente == "GM0603");
    CHECK(f.open_task("leerplicht.zorgwekkend_verzuim")->recipient == "gm0603-leerplicht");
    CHECK(f.count(DecisionKind::handover, "grensverkeer/handover") == 1);  // the school's tasks stay
    CHECK(f.plan.table == "adviestafel");  // continues at Rijswijk's adviestafel, registered the Rijswijk way
    CHECK(f.open_task("table.register")->title.find("Jeugdteam Rijswijk") != std::string::npos);
}

SCENARIO("eigen team/manager when a professional disagrees, between 4 and 8 weeks", "[routeboek]") {
    Family f("GM1916");
    f.absence("2026-09-07", nullptr, "ongeoorloofd", "2026-09-07");
    f.days("2026-09-08", "2026-10-05");
    SignalEvent concern = f.signal(ConcernRaised{"gm1916-wijz", "verzuim", true}, "2026-10-12");
    f.apply(concern, day("2026-10-12"));
    const Task* task = f.open_task("eigen_team.consult");
    REQUIRE(task);
    CHECK(task->recipient == "gm1916-wijz");
    CHECK(task->due == day("2026-11-02"));  // the end of week 8

    Family late("GM1916");
    late.absence("2026-09-07", nullptr, "ongeoorloofd", "2026-09-07");
    late.days("2026-09-08", "2026-11-03");
    concern.on = day("2026-11-03");
    late.apply(concern, day("2026-11-03"));
    CHECK(late.open_task("eigen_team.consult") == nullptr);
}

SCENARIO("an override with a reason changes the path and is recorded", "[routeboek]") {
    Family f("GM0518");
    f.absence("2026-09-07", nullptr, "ongeoorloofd", "2026-09-07");
    f.days("2026-09-08", "2026-10-05");
    OverrideEvent no_reason{{OverrideKind::skip_step, "", 0, "  ", "prof-1", {}, false}};
    REQUIRE_FALSE(f.engine.apply(f.plan, no_reason, day("2026-10-05")).ok());

    OverrideEvent skip{
        {OverrideKind::skip_step, "", 0, "financial question already settled by the board", "prof-1", {}, false}};
    f.apply(skip, day("2026-10-05"));
    f.mdo("2026-10-06", true);
    CHECK(f.plan.table == "adviestafel");  // management afstemming skipped
    CHECK(std::any_of(f.plan.timeline.begin(), f.plan.timeline.end(), [](const TimelineEntry& e) {
        return e.kind == "override" && e.reason.find("financial question already settled") != std::string::npos;
    }));

    const Day due_before = f.open_task("table.register")->due;
    OverrideEvent extend{{OverrideKind::extend_term, "", 14, "parents on holiday", "prof-1", {}, false}};
    f.apply(extend, day("2026-10-07"));
    CHECK(f.open_task("table.register")->due == add_days(due_before, 14));
}

SCENARIO("prevention before the four-week mark", "[routeboek]") {
    Family f("GM0518");
    f.absence("2026-09-07", "2026-09-07", "ongeoorloofd", "2026-09-07");
    f.absence("2026-09-14", "2026-09-15", "ongeoorloofd", "2026-09-15");
    CHECK(f.open_task("school.support_team.attention") == nullptr);
    f.absence("2026-09-21", "2026-09-21", "ongeoorloofd", "2026-09-21");
    REQUIRE(f.open_task("school.support_team.attention"));
    CHECK(f.open_task("school.support_team.attention")->recipient == "school:12AB");
    f.absence("2026-09-24", "2026-09-24", "ongeoorloofd", "2026-09-24");
    CHECK(f.count(DecisionKind::task, "prevention/repeated_short_unauthorised") == 1);  // once per window

    SignalEvent hours =
        f.signal(AbsenceReported{"ongeoorloofd", day("2026-09-25"), day("2026-09-25"), 17.0}, "2026-09-25");
    f.apply(hours, day("2026-09-25"));
    CHECK(f.open_task("leerplicht.verzuimmelding")->recipient == "gm0518-leerplicht");

    Family c("GM0603");
    SignalEvent concern = c.signal(ConcernRaised{"gm0603-jeugdteam", "welzijn", std::nullopt}, "2026-09-10");
    c.apply(concern, day("2026-09-10"));
    CHECK(c.open_task("school.support_team.concern"));
    CHECK_FALSE(c.plan.escalated_since);
}

SCENARIO("partial attendance with several approaches escalates when the MDO asks for advice", "[routeboek]") {
    Family f("GM0603");
    SignalEvent partial = f.signal(AttendancePartial{day("2026-09-01"), std::nullopt, 3, std::nullopt}, "2026-09-01");
    f.apply(partial, day("2026-09-01"));
    f.mdo("2026-10-20", true);
    CHECK(f.count(DecisionKind::escalate, "escalation/partial_attendance") == 1);
    CHECK(f.plan.table == "adviestafel");
    f.days("2026-10-21", "2026-12-01");
    CHECK(f.plan.escalated_since);  // still not fully taking part: no de-escalation
    CHECK(f.open_task("school.continuity_of_education"));
}

SCENARIO("the adviestafel appoints a casusregisseur; a resolved case returns to the MDO; attendance ends it",
         "[routeboek]") {
    Family f("GM0603");
    f.absence("2026-09-07", "2026-10-16", "ongeoorloofd", "2026-09-07");
    f.days("2026-09-08", "2026-10-05");
    f.mdo("2026-10-06", true);
    f.outcome("2026-10-13", "adviestafel", "advice", "gm0603-jeugdteam");
    REQUIRE(f.open_task("casusregie.follow_up"));
    CHECK(f.open_task("casusregie.follow_up")->recipient == "gm0603-jeugdteam");
    f.outcome("2026-10-14", "adviestafel", "resolved");
    CHECK(f.plan.table.empty());
    CHECK(f.plan.escalated_since);  // still escalated: the duty of care continues until attendance resumes

    f.days("2026-10-15", "2026-11-13");
    CHECK(f.plan.escalated_since);
    f.days("2026-11-14", "2026-11-14");  // back at school from 17 October: 28 days
    CHECK_FALSE(f.plan.escalated_since);
    CHECK(f.open_task("school.continuity_of_education") == nullptr);
    CHECK(f.count(DecisionKind::de_escalate, "de_escalation/attendance_resumed") == 1);
    CHECK(f.count(DecisionKind::reminder, "deadline/reminder") >= 1);
}

SCENARIO("invalid routeboek files are refused with a pointer and a sentence", "[routeboek]") {
    std::ifstream in(testing::shipped_routeboek_path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string good = text.str();
    auto refuse = [&](std::string from, std::string to) {
        std::string bad = good;
        const auto at = bad.find(from);
        REQUIRE(at != std::string::npos);
        bad.replace(at, from.size(), to);
        auto result = service::parse_routeboek(bad);
        REQUIRE_FALSE(result.ok());
        return result.problems().front();
    };
    // Den Haag cannot get a doorbraaktafel by configuration alone: the table has no registration there.
    auto p = refuse("ladder: [management_afstemming, adviestafel, directeurenniveau]",
                    "ladder: [management_afstemming, adviestafel, doorbraaktafel]");
    CHECK(p.pointer == "/municipalities/0/ladder/2");
    CHECK(p.detail.find("no registration for GM0518") != std::string::npos);
    p = refuse("ladder: [adviestafel, maatwerk_regisseur]", "ladder: [adviestafel, rondetafel]");
    CHECK(p.pointer == "/municipalities/2/ladder/1");
    p = refuse("weeks: 4", "weeks: 0");
    CHECK(p.pointer == "/triggers/consecutive_absence/weeks");
    p = refuse("registers_with: gm0603-directie", "registers_with: gm0603-wethouder");
    CHECK(p.detail.find("gm0603-wethouder") != std::string::npos);
}
