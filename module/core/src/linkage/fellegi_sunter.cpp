#include "eenplan/core/linkage/fellegi_sunter.hpp"

#include <algorithm>
#include <cmath>

namespace eenplan::linkage {

std::array<FieldModel, field_count> FellegiSunterParameters::default_fields() {
    // {m: agree, near, partial, disagree, missing}, {u: ...}. m among true pairs, u among the
    // blocking candidates that agree or nearly agree on the family name (siblings, twins,
    // namesakes: the pairs that must be told apart), both from linkage_eval --estimate on seed 1.
    // Two choices on top of the estimates, because fields of a sibling pair are not independent
    // (they share date-blocking, family name and address):
    //   - a first given name that disagrees (Dice < 0.4) counts like a birth date that disagrees,
    //     m = 1e-4 (a twin differs from the child only there);
    //   - a family name that disagrees weighs -9.8 bits (u of random pairs, m 0.001), not the
    //     -5.2 of blocking candidates: two children with the same first name and birth date are
    //     common enough that the family name must carry that;
    //   - the postcode weighs less than its estimate (agree +3, disagree -2 bits instead of
    //     +8.8/-4.1): siblings share it, and a family that moved must still link.
    return {{
        /* family_name */ {{0.93, 0.03, 0.041, 0.001, 0}, {0.50, 0.044, 0.12, 0.90, 0}},
        /* given_first */ {{0.925, 0.018, 0.05, 1e-4, 0}, {0.32, 0.0057, 0.064, 0.61, 0}},
        /* given_rest  */ {{0.97, 0.01, 0.01, 0.01, 0}, {0.021, 0.0027, 0.14, 0.84, 0}},
        /* birth_date  */ {{0.98, 0.007, 0.0100, 1e-4, 0}, {0.0049, 0.0005, 0.065, 0.93, 0}},
        /* postcode    */ {{0.94, 0.01, 0, 0.058, 0}, {0.1175, 0.04, 0, 0.232, 0}},
    }};
}

FellegiSunterScore score(const FieldComparison& comparison, const FellegiSunterParameters& p,
                         const TermCounts& counts) {
    FellegiSunterScore out;
    for (std::size_t f = 0; f < field_count; ++f) {
        FieldWeight& w = out.fields[f];
        w.level = comparison.levels[f];
        w.similarity = comparison.similarity[f];
        if (static_cast<Field>(f) == Field::birth_date) w.pattern = comparison.date_pattern;
        if (w.level == Level::missing) continue;
        const auto l = static_cast<std::size_t>(w.level);
        const double m = std::max(p.fields[f].m[l], 1e-4), u = std::max(p.fields[f].u[l], 1e-4);
        w.weight = std::log2(m / u);
        if (w.level == Level::agree && counts.total > 0 && counts.total >= p.tf_min_total) {
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
                w.tf_adjustment = std::clamp(std::log2(expected / frequency), -p.tf_cap, p.tf_cap);
                w.weight += w.tf_adjustment;
            }
        }
        out.weight += w.weight;
    }
    return out;
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
