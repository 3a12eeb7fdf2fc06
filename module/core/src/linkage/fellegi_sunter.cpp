#include "eenplan/core/linkage/fellegi_sunter.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace eenplan::linkage {

std::array<FieldModel, field_count> FellegiSunterParameters::default_fields() {
    // {m: agree, near, partial, weak, disagree, missing}, {u: ...}. m among true pairs, u among
    // the blocking candidates that agree or nearly agree on the family name (siblings, twins,
    // namesakes: the pairs that must be told apart), both from linkage_eval --estimate on seed 1
    // (docs/benchmarks/linkage.md). Choices on top of the estimates, each measured on seed 1 only,
    // because fields of a sibling pair are not independent (they share the family name, the
    // address and, for twins, the date):
    //   - a first given name that disagrees (Dice < 0.4) counts like a birth date that disagrees,
    //     m = 1e-4 (a twin differs from the child only there);
    //   - a family name that disagrees weighs -9.8 bits (u of random pairs, m 0.001);
    //   - a date one digit off weighs 0 (u set to m: the estimate 0.028 reflects blocking on the
    //     birth year, which makes same-year-and-month candidates common);
    //   - the postcode agrees +6 bits, disagrees -2 (estimates +9.3/-4.1): siblings share the
    //     address, and a family that moved must still link.
    return {{
        /* family_name */ {{0.93, 0.028, 0.032, 0.0075, 0.001, 0}, {0.50, 0.045, 0.062, 0.053, 0.90, 0}},
        /* given_first */ {{0.923, 0.018, 0.035, 0.02, 1e-4, 0}, {0.33, 0.007, 0.021, 0.044, 0.60, 0}},
        /* given_rest  */ {{0.97, 0.01, 0.005, 0.005, 0.01, 0}, {0.021, 0.0026, 0.045, 0.099, 0.832, 0}},
        /* birth_date  */ {{0.983, 0.0072, 0.0097, 0.001, 1e-4, 0}, {0.0023, 0.00057, 0.0097, 0.038, 0.93, 0}},
        /* postcode    */ {{0.94, 0.01, 0, 0, 0.058, 0}, {0.015, 0.04, 0, 0, 0.232, 0}},
    }};
}

FellegiSunterWeights weights_of(const FellegiSunterParameters& p) {
    FellegiSunterWeights out;
    for (std::size_t f = 0; f < field_count; ++f) {
        for (std::size_t l = 0; l + 1 < level_count; ++l) {
            const double m = std::max(p.fields[f].m[l], 1e-4), u = std::max(p.fields[f].u[l], 1e-4);
            out.bits[f][l] = std::log2(m / u);
        }
    }
    return out;
}

FellegiSunterScore score(const FieldComparison& comparison, const FellegiSunterParameters& p,
                         const FellegiSunterWeights& weights, const TermCounts& counts) {
    FellegiSunterScore out;
    const bool tf = counts.total > 0 && counts.total >= p.tf_min_total;
    for (std::size_t f = 0; f < field_count; ++f) {
        FieldWeight& w = out.fields[f];
        w.level = comparison.levels[f];
        w.similarity = comparison.similarity[f];
        if (static_cast<Field>(f) == Field::birth_date) w.pattern = comparison.date_pattern;
        if (w.level == Level::missing) continue;
        w.weight = weights.bits[f][static_cast<std::size_t>(w.level)];
        if (w.level == Level::agree && tf) {
            double expected = 0;
            std::uint64_t count = 0;
            if (static_cast<Field>(f) == Field::family_name) {
                expected = p.family_expected_frequency;
                count = counts.family;
            } else if (static_cast<Field>(f) == Field::given_first) {
                expected = p.given_expected_frequency;
                count = counts.given_first;
            }
            if (expected > 0) {
                // A value not yet counted is as rare as one occurrence.
                const double frequency =
                    static_cast<double>(std::max<std::uint64_t>(count, 1)) / static_cast<double>(counts.total);
                double adjustment = std::clamp(std::log2(expected / frequency), -p.tf_cap, p.tf_cap);
                // However common the value, agreeing on it is not evidence against.
                adjustment = std::max(adjustment, std::min(0.0, p.tf_floor - w.weight));
                w.tf_adjustment = adjustment;
                w.weight += adjustment;
            }
        }
        out.weight += w.weight;
    }
    return out;
}

FellegiSunterScore score(const FieldComparison& comparison, const FellegiSunterParameters& parameters,
                         const TermCounts& counts) {
    return score(comparison, parameters, weights_of(parameters), counts);
}

std::vector<PatternCount> count_patterns(std::span<const FieldComparison> pairs) {
    std::unordered_map<std::uint32_t, std::size_t> at;
    std::vector<PatternCount> out;
    for (const FieldComparison& c : pairs) {
        std::uint32_t code = 0;
        for (const Level l : c.levels) code = code * level_count + static_cast<std::uint32_t>(l);
        const auto [it, added] = at.try_emplace(code, out.size());
        if (added) out.push_back({c.levels, 0});
        out[it->second].count += 1;
    }
    return out;
}

EmResult estimate_em(std::span<const PatternCount> patterns, const FellegiSunterParameters& start,
                     const EmOptions& options) {
    constexpr std::size_t levels = level_count - 1;  // missing is left out
    EmResult result;
    result.parameters = start;
    std::array<std::array<double, levels>, field_count> m{}, u{};
    // Start from `start`, each field's probabilities normalised over the levels it uses.
    for (std::size_t f = 0; f < field_count; ++f) {
        double tm = 0, tu = 0;
        for (std::size_t l = 0; l < levels; ++l) {
            m[f][l] = std::max(start.fields[f].m[l], 0.0);
            u[f][l] = std::max(start.fields[f].u[l], 0.0);
            tm += m[f][l];
            tu += u[f][l];
        }
        for (std::size_t l = 0; l < levels; ++l) {
            m[f][l] = tm > 0 ? std::max(m[f][l] / tm, options.probability_floor) : 1.0 / levels;
            u[f][l] = tu > 0 ? std::max(u[f][l] / tu, options.probability_floor) : 1.0 / levels;
        }
    }
    double lambda = options.initial_match_proportion;
    double total = 0;
    for (const PatternCount& p : patterns) total += p.count;
    if (total <= 0) return result;

    for (unsigned it = 0; it < options.max_iterations; ++it) {
        std::array<std::array<double, levels>, field_count> sm{}, su{};
        double matches = 0;
        for (const PatternCount& p : patterns) {
            // E step in logs: g = P(match | vector).
            double lm = std::log(lambda), lu = std::log1p(-lambda);
            for (std::size_t f = 0; f < field_count; ++f) {
                if (p.levels[f] == Level::missing) continue;
                const auto l = static_cast<std::size_t>(p.levels[f]);
                lm += std::log(m[f][l]);
                lu += std::log(u[f][l]);
            }
            const double g = 1.0 / (1.0 + std::exp(lu - lm));
            matches += g * p.count;
            for (std::size_t f = 0; f < field_count; ++f) {
                if (p.levels[f] == Level::missing) continue;
                const auto l = static_cast<std::size_t>(p.levels[f]);
                sm[f][l] += g * p.count;
                su[f][l] += (1 - g) * p.count;
            }
        }
        // M step.
        double change = std::abs(matches / total - lambda);
        lambda = matches / total;
        for (std::size_t f = 0; f < field_count; ++f) {
            double tm = 0, tu = 0;
            for (std::size_t l = 0; l < levels; ++l) {
                tm += sm[f][l];
                tu += su[f][l];
            }
            if (tm <= 0 || tu <= 0) continue;  // the field was never present: keep its start values
            for (std::size_t l = 0; l < levels; ++l) {
                const double nm = std::max(sm[f][l] / tm, options.probability_floor);
                const double nu = options.fix_u ? u[f][l] : std::max(su[f][l] / tu, options.probability_floor);
                change = std::max({change, std::abs(nm - m[f][l]), std::abs(nu - u[f][l])});
                m[f][l] = nm;
                u[f][l] = nu;
            }
        }
        result.iterations = it + 1;
        if (change < options.tolerance) {
            result.converged = true;
            break;
        }
    }
    result.match_proportion = lambda;
    bool sane = result.converged && lambda > 0 && lambda < 1;
    for (std::size_t f = 0; f < field_count; ++f) sane = sane && m[f][0] >= u[f][0];
    if (!sane) return result;
    for (std::size_t f = 0; f < field_count; ++f) {
        for (std::size_t l = 0; l < levels; ++l) {
            result.parameters.fields[f].m[l] = m[f][l];
            result.parameters.fields[f].u[l] = u[f][l];
        }
    }
    result.used_start = false;
    return result;
}

Classification classify_weight(double best, double runner_up, const FellegiSunterParameters& p) {
    Classification c{Decision::no_match, {}};
    c.evidence.score = best;
    c.evidence.runner_up = runner_up;
    c.evidence.match_threshold = p.link;
    c.evidence.possible_threshold = p.review;
    std::string_view outcome;
    if (best >= p.link && best - runner_up < p.margin) {
        c.decision = Decision::possible_match;
        outcome = "ambiguous";
    } else if (best >= p.link) {
        c.decision = Decision::match;
        outcome = "match";
    } else if (best >= p.review) {
        c.decision = Decision::possible_match;
        outcome = "possible";
    } else {
        outcome = "no_match";
    }
    c.evidence.rule = std::string(fs_rule_prefix) + std::string(outcome);
    return c;
}

}  // namespace eenplan::linkage
