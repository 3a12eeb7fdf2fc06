// The routeboek engine's daily re-evaluation: every family's plan gets one clock tick, as the
// service's schedule does each night. Target: 100 000 families in under 10 s on one core.
// The population is seeded and mixed as a region's would be: most families without absence, some
// with short absences (prevention patterns), some escalated, some at a table. The second argument
// chooses the engine: 0 as before the school calendar (one PO routeboek, calendar days); 1 with
// the school calendar (school days) and the PO and VO routeboeken, a third of the children at a
// VO school.
#include <benchmark/benchmark.h>

#include <random>
#include <string>

#include "eenplan/core/routeboek/engine.hpp"
#include "support/shipped_routeboek.hpp"

using namespace eenplan;
using namespace eenplan::routeboek;

namespace {

const Routeboek& haaglanden() { return testing::shipped_routeboek(); }

Engine engine_for(bool calendar) {
    if (!calendar) return Engine(haaglanden());
    return Engine({&haaglanden(), &testing::shipped_vo_routeboek()}, &testing::shipped_school_calendar(),
                  SchoolSectors{{"34CD", "vo"}});
}

const char* const gemeenten[] = {"GM0518", "GM0603", "GM1916"};

std::vector<PlanState> population(const Engine& engine, int families, Day today) {
    std::mt19937_64 random(20261123);
    std::vector<PlanState> plans(static_cast<std::size_t>(families));
    for (int i = 0; i < families; ++i) {
        PlanState& plan = plans[static_cast<std::size_t>(i)];
        plan.family_id = "fam-" + std::to_string(i);
        plan.woongemeente = gemeenten[random() % 3];
        const int children = 1 + static_cast<int>(random() % 3);
        for (int c = 0; c < children; ++c) {
            plan.pupils.push_back({plan.family_id + "-" + std::to_string(c), random() % 3 == 0 ? "34CD" : "12AB",
                                   gemeenten[random() % 3]});
        }
        const auto roll = random() % 100;
        const std::string& pupil = plan.pupils.front().pupil;
        auto signal = [&](SignalData data, Day on) {
            SignalEvent s;
            s.pupil = pupil;
            s.on = on;
            s.signal = Signal{format_day(on) + "T08:00:00Z", std::nullopt, std::move(data)};
            return s;
        };
        if (roll < 20) {  // a few short unauthorised absences in the last weeks
            for (int a = 0; a < 1 + static_cast<int>(random() % 4); ++a) {
                const Day on = add_days(today, -3 - 7 * a);
                SignalEvent s = signal(AbsenceReported{"ongeoorloofd", on, on, 5.0}, on);
                (void)engine.apply(plan, s, s.on);
            }
        } else if (roll < 30) {  // long absence: escalated, some at a table
            const Day on = add_days(today, -60);
            SignalEvent s =
                signal(AbsenceReported{roll < 23 ? "ziekte" : "ongeoorloofd", on, std::nullopt, std::nullopt}, on);
            (void)engine.apply(plan, s, s.on);
            for (Day d = add_days(today, -59); d < today; d += std::chrono::days(7))
                (void)engine.apply(plan, TickEvent{d}, d);
            if (roll < 27) {
                MdoHeld held;
                held.escalate = true;
                SignalEvent mdo = signal(held, add_days(today, -20));
                (void)engine.apply(plan, mdo, mdo.on);
            }
        }
    }
    return plans;
}

void BM_DailyReevaluation(benchmark::State& state) {
    const Engine engine = engine_for(state.range(1) != 0);
    const Day today = *parse_day("2026-11-23");
    const int families = static_cast<int>(state.range(0));
    const std::vector<PlanState> population_today = population(engine, families, today);
    const Day tonight = add_days(today, 1);
    std::size_t decisions = 0;
    std::size_t escalated = 0;
    for (const PlanState& plan : population_today) escalated += plan.escalated_since ? 1 : 0;
    for (auto _ : state) {
        // Every pass evaluates the same night on a fresh copy, so no pass runs on plans an earlier
        // pass already settled.
        state.PauseTiming();
        std::vector<PlanState> plans = population_today;
        state.ResumeTiming();
        for (PlanState& plan : plans) decisions += engine.apply(plan, TickEvent{tonight}, tonight).value().size();
        state.PauseTiming();
        plans.clear();
        state.ResumeTiming();
    }
    state.counters["escalated_families"] = static_cast<double>(escalated);
    state.SetItemsProcessed(state.iterations() * families);
    state.counters["decisions_per_pass"] = static_cast<double>(decisions) / static_cast<double>(state.iterations());
    state.counters["s_per_pass"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_DailyReevaluation)
    ->ArgNames({"families", "calendar"})
    ->Args({100000, 0})
    ->Args({100000, 1})
    ->Unit(benchmark::kMillisecond)
    ->MinTime(3.0);

// One signal through the engine on a family with history: the per-signal cost at ingest.
void BM_SignalOnEscalatedFamily(benchmark::State& state) {
    const Engine engine = engine_for(state.range(0) != 0);
    const Day today = *parse_day("2026-11-23");
    PlanState plan;
    plan.family_id = "fam";
    plan.woongemeente = "GM0603";
    plan.pupils.push_back({"p", "12AB", "GM0518"});
    SignalEvent absence;
    absence.pupil = "p";
    absence.on = today;
    absence.signal = Signal{"2026-11-23T08:00:00Z", std::nullopt,
                            AbsenceReported{"ongeoorloofd", add_days(today, -40), std::nullopt, std::nullopt}};
    (void)engine.apply(plan, absence, today);
    SignalEvent partial;
    partial.pupil = "p";
    partial.on = today;
    partial.signal = Signal{"2026-11-23T08:00:00Z", std::nullopt,
                            AttendancePartial{add_days(today, -10), std::nullopt, 0, std::nullopt}};
    for (auto _ : state) {
        PlanState copy = plan;
        benchmark::DoNotOptimize(engine.apply(copy, partial, today));
    }
}
BENCHMARK(BM_SignalOnEscalatedFamily)->ArgName("calendar")->Arg(0)->Arg(1);

}  // namespace

BENCHMARK_MAIN();
