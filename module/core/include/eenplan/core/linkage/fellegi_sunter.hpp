// The Fellegi–Sunter decision on field comparisons (Fellegi & Sunter 1969, "A theory for record
// linkage", JASA 64(328)): per field and agreement level, m = P(level | same child) and
// u = P(level | another child among the blocking candidates); a pair's weight is the sum over
// fields of log2(m/u) (missing fields add 0). Agreement on a rare name is stronger evidence than on
// a common one: for exact agreement on the family name and the first given name the weight is
// adjusted by log2(expected frequency / frequency of this value), the frequency being the count of
// the keyed token among the encodings the hub holds (term-frequency adjustment as in Splink and
// Winkler 1989); no plaintext is needed, only counts of keyed tokens.
//
// Decision: weight >= link (and ahead of the runner-up by at least `margin`) → match; weight >=
// review → possible match (review queue); otherwise a new record. The defaults were estimated on
// the synthetic population with seed 1 (tests/bench/linkage_eval.cpp --estimate) and checked on
// seeds 2 and 3 (docs/benchmarks/linkage.md); they can be set in configuration.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "eenplan/core/linkage/classification.hpp"
#include "eenplan/core/linkage/field_encoding.hpp"

namespace eenplan::linkage {

// m and u per level (agree, near, partial, weak, disagree; missing is ignored).
struct FieldModel {
    std::array<double, level_count> m{};
    std::array<double, level_count> u{};
};

struct FellegiSunterParameters {
    std::array<FieldModel, field_count> fields = default_fields();
    // Expected frequency of an agreeing value (sum of squared value shares on the population):
    // the frequency at which the term-frequency adjustment is zero.
    double family_expected_frequency = 0.006;
    double given_expected_frequency = 0.016;
    double tf_cap = 5.0;                // bits the adjustment may add or take away
    double tf_floor = 2.0;              // an agreeing name never weighs less than this (bits),
                                        // however common: agreement is not evidence against
    std::uint64_t tf_min_total = 1000;  // no adjustment until the hub holds this many encodings
                                        // (a handful of records says nothing about frequencies)
    double link = 10.5;                 // weights (bits)
    double review = 3.0;
    double margin = 2.0;  // best must lead the runner-up by this much to link

    static std::array<FieldModel, field_count> default_fields();
};

// How often the query's own keyed values occur among the encodings the hub holds.
struct TermCounts {
    std::uint64_t total = 0;        // encodings counted
    std::uint64_t family = 0;       // with the query's family-name token
    std::uint64_t given_first = 0;  // with the query's first-given-name token
};

struct FieldWeight {
    Level level = Level::missing;
    double weight = 0;         // bits, term-frequency adjustment included
    double tf_adjustment = 0;  // the part of `weight` that is the adjustment
    float similarity = 0;
    std::string_view pattern;  // the date's error pattern for near/partial
    friend bool operator==(const FieldWeight&, const FieldWeight&) = default;
};

struct FellegiSunterScore {
    double weight = 0;
    std::array<FieldWeight, field_count> fields{};
    friend bool operator==(const FellegiSunterScore&, const FellegiSunterScore&) = default;
};

// log2(m/u) per field and level, computed once per parameter set (missing: 0).
struct FellegiSunterWeights {
    std::array<std::array<double, level_count>, field_count> bits{};
};
[[nodiscard]] FellegiSunterWeights weights_of(const FellegiSunterParameters& parameters);

[[nodiscard]] FellegiSunterScore score(const FieldComparison& comparison, const FellegiSunterParameters& parameters,
                                       const FellegiSunterWeights& weights, const TermCounts& counts);
// The same, computing the weights first (for a single comparison; a loop should use the above).
[[nodiscard]] FellegiSunterScore score(const FieldComparison& comparison, const FellegiSunterParameters& parameters,
                                       const TermCounts& counts);

// Expectation–maximisation of m, u and the match proportion (Winkler 1988; Jaro 1989) over the
// comparison vectors of candidate pairs, assuming fields independent given match status. The
// start values are `start`'s m and u; levels are the finest ones (agree ... disagree), missing
// fields are left out of the likelihood. The result is used only when it converged and is sane
// (agreement at least as likely among matches as among non-matches for every field, and a match
// proportion strictly between 0 and 1); otherwise `start` is returned with `used_start` set.
struct EmResult {
    FellegiSunterParameters parameters;
    double match_proportion = 0;
    unsigned iterations = 0;
    bool converged = false;
    bool used_start = true;
};
struct EmOptions {
    double initial_match_proportion = 0.01;
    unsigned max_iterations = 100;
    double tolerance = 1e-6;          // largest change of any m or u between iterations
    double probability_floor = 1e-5;  // no m or u below this (keeps the weights finite)
    // Keep u at the start values and estimate only m and the match proportion (as Splink does:
    // u from pairs known to differ, m by EM). Full EM on blocking candidates tends to take the
    // fields that siblings share (postcode, family name) for evidence of a match.
    bool fix_u = false;
};
// A comparison vector and how many candidate pairs had it (EM works on these counts: there are at
// most 6^5 distinct vectors, however many pairs).
struct PatternCount {
    std::array<Level, field_count> levels{};
    double count = 0;
};
// Distinct comparison vectors of `pairs` with their counts.
[[nodiscard]] std::vector<PatternCount> count_patterns(std::span<const FieldComparison> pairs);
[[nodiscard]] EmResult estimate_em(std::span<const PatternCount> patterns, const FellegiSunterParameters& start,
                                   const EmOptions& options = {});

inline constexpr std::string_view fs_rule_prefix = "pprl.fs.v1/";

// Like classify() for Dice, on weights: rule "pprl.fs.v1/{match,ambiguous,possible,no_match}".
Classification classify_weight(double best, double runner_up, const FellegiSunterParameters& parameters);

}  // namespace eenplan::linkage
