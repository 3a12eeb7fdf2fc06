// Throughput of probabilistic record linkage on one core: Dice comparisons of 1024-bit CLKs per
// popcount path (items_per_second = comparisons per second), CLK encoding, and LinkageIndex::link
// on a synthetic population. docs/benchmarks/linkage.md records the figures.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "eenplan/core/linkage/dice.hpp"
#include "eenplan/core/linkage/linkage_index.hpp"
#include "population.hpp"

using namespace eenplan;
using namespace eenplan::linkage;

namespace {

// CLKs with about 30 % of their bits set, as real ones have.
std::vector<Clk> random_clks(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 random(seed);
    std::vector<Clk> out(n);
    for (Clk& clk : out) {
        for (std::uint64_t& w : clk.words) w = random() & random();              // P(bit) = 1/4 ...
        for (std::uint64_t& w : clk.words) w |= random() & random() & random();  // ... + ~ 1/8 of the rest
        clk.recount();
    }
    return out;
}

const VersionedKey& key() {
    static const VersionedKey k(1, Bytes(32, 0x5a));
    return k;
}

// Dice of one query against range(0) stored CLKs, contiguous: the inner loop of linkage without
// blocking. 10 000 CLKs (1.4 MB) stay in L2/L3; 1 000 000 (136 MB) stream from memory.
void dice_batch_path(benchmark::State& state, PopcountPath path) {
    if (!supported(path)) {
        state.SkipWithError("popcount path not supported by this CPU");
        return;
    }
    const auto n = static_cast<std::size_t>(state.range(0));
    const std::vector<Clk> candidates = random_clks(n, 7);
    const Clk query = random_clks(1, 8)[0];
    std::vector<float> scores(n);
    for (auto _ : state) {
        dice_batch(query, candidates, scores, path);
        benchmark::DoNotOptimize(scores.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
    state.SetLabel(std::string(to_string(path)));
}
BENCHMARK_CAPTURE(dice_batch_path, portable, PopcountPath::portable)->Arg(10'000)->Arg(1'000'000);
BENCHMARK_CAPTURE(dice_batch_path, popcnt, PopcountPath::popcnt)->Arg(10'000)->Arg(1'000'000);
BENCHMARK_CAPTURE(dice_batch_path, avx2, PopcountPath::avx2)->Arg(10'000)->Arg(1'000'000);
BENCHMARK_CAPTURE(dice_batch_path, avx512_vpopcntdq, PopcountPath::avx512_vpopcntdq)->Arg(10'000)->Arg(1'000'000);

// Normalisation + CLK (one keyed hash per token and block of 16 positions) + blocking keys of one observation.
void encode_record(benchmark::State& state) {
    simulators::PopulationParameters p;
    p.pupils = 2'000;
    const auto population = simulators::generate_population(p);
    const RecordEncoder encoder(key());
    std::size_t i = 0;
    for (auto _ : state) {
        const auto& o = population.observations[i++ % population.observations.size()];
        benchmark::DoNotOptimize(
            encoder.encode(LinkageAttributes{o.family_name, o.given_names, o.birth_date, o.postcode}));
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(encode_record);

// Links every observation of `population` in turn against an index of its references, with the
// decision `rule` (Thresholds: record-level CLK and Dice; FellegiSunterParameters: field level).
template <typename Rule>
void link_observations(benchmark::State& state, const simulators::Population& population, const Rule& rule) {
    const RecordEncoder encoder(key());
    LinkageIndex index(encoder.key_version());
    for (const auto& r : population.references) {
        index.add(encoder.encode(LinkageAttributes{r.family_name, r.given_names, r.birth_date, r.postcode}));
    }
    std::vector<EncodedRecord> queries;
    for (const auto& o : population.observations) {
        queries.push_back(encoder.encode(LinkageAttributes{o.family_name, o.given_names, o.birth_date, o.postcode}));
    }
    std::size_t i = 0, candidates = 0;
    for (auto _ : state) {
        const LinkResult r = index.link(queries[i++ % queries.size()], rule);
        candidates += r.evidence.candidates;
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["candidates"] =
        benchmark::Counter(static_cast<double>(candidates) / static_cast<double>(state.iterations()));
}

// link() of an encoded observation against an index of range(0) pupils: blocking, gather, Dice,
// classification.
void link_record(benchmark::State& state) {
    simulators::PopulationParameters p;
    p.pupils = static_cast<std::uint32_t>(state.range(0));
    link_observations(state, simulators::generate_population(p), Thresholds{});
}
BENCHMARK(link_record)->Arg(100'000)->Unit(benchmark::kMicrosecond);

// The same with field-level encodings and the Fellegi–Sunter decision (issue 20), on the harder
// population: blocking, per-field comparison of every candidate, term frequencies, classification.
void link_record_fields(benchmark::State& state) {
    const auto population =
        simulators::generate_population(simulators::harder_population(1, static_cast<std::uint32_t>(state.range(0))));
    link_observations(state, population, FellegiSunterParameters{});
}
BENCHMARK(link_record_fields)->Arg(100'000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
