#include "eenplan/core/linkage/classification.hpp"

namespace eenplan::linkage {

std::string_view to_string(Decision decision) {
    switch (decision) {
        case Decision::match: return "match";
        case Decision::possible_match: return "possible_match";
        case Decision::no_match: return "no_match";
    }
    return "unknown";
}

Classification classify(double best, double runner_up, const Thresholds& t) {
    Classification c{Decision::no_match, {}};
    c.evidence.score = best;
    c.evidence.runner_up = runner_up;
    c.evidence.match_threshold = t.match;
    c.evidence.possible_threshold = t.possible;
    std::string_view outcome;
    if (best >= t.match && best - runner_up < t.ambiguity_margin) {
        c.decision = Decision::possible_match;
        outcome = "ambiguous";
    } else if (best >= t.match) {
        c.decision = Decision::match;
        outcome = "match";
    } else if (best >= t.possible) {
        c.decision = Decision::possible_match;
        outcome = "possible";
    } else {
        outcome = "no_match";
    }
    c.evidence.rule = std::string(pprl_rule_prefix) + std::string(outcome);
    return c;
}

}  // namespace eenplan::linkage
