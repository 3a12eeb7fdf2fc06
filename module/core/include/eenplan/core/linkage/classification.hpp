// From a Dice score to a decision with its evidence. Thresholds (Fellegi & Sunter 1969 in spirit:
// an upper and a lower threshold with a clerical-review band between them):
//   score >= match                                     → match
//   possible <= score < match                          → possible match (the admin review queue)
//   otherwise                                          → no match
// and one guard against look-alike siblings (twins share name, date and address): a best score
// >= match whose runner-up is within `ambiguity_margin` is downgraded to a possible match.
// Defaults were chosen on the synthetic population with seed 1 and checked on seeds 2 and 3
// (docs/benchmarks/linkage.md has the sweep).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eenplan::linkage {

enum class Decision { match, possible_match, no_match };
std::string_view to_string(Decision decision);

struct Thresholds {
    double match = 0.78;
    double possible = 0.66;
    double ambiguity_margin = 0.03;
};

// One field of the best candidate under the Fellegi–Sunter decision (fellegi_sunter.hpp): how it
// compared and what it weighed. Names of fields and levels only, never a value.
struct FieldEvidence {
    std::string_view field;    // "family_name", "first_given_name", "other_given_names", "birth_date", "postcode"
    std::string_view level;    // "agree", "near", "partial", "disagree", "missing"
    std::string_view pattern;  // birth date near/partial: "swapped", "digit", "year", "month", "day"
    double weight = 0;         // bits
    double tf_adjustment = 0;  // bits of `weight` from the value's frequency
    double similarity = 0;     // Dice of the keyed field filters for names

    friend bool operator==(const FieldEvidence&, const FieldEvidence&) = default;
};

// Why a link was made (or not), kept with the link so that it can be explained and undone.
struct Evidence {
    std::string rule;  // "pprl.clk_dice.v1/match", ".../possible", ".../ambiguous", ".../no_match", ".../no_candidates"
    double score = 0;  // Dice of the best candidate (0 without candidates)
    double runner_up = 0;  // Dice of the second-best candidate
    double match_threshold = 0;
    double possible_threshold = 0;
    std::uint32_t key_version = 0;      // key of the CLKs and blocking keys
    std::uint32_t candidates = 0;       // records compared after blocking
    std::uint8_t blocking_passes = 0;   // passes (bit p = pass p) that proposed the best candidate
    std::vector<FieldEvidence> fields;  // Fellegi–Sunter only: per field of the best candidate

    friend bool operator==(const Evidence&, const Evidence&) = default;
};

inline constexpr std::string_view pprl_rule_prefix = "pprl.clk_dice.v1/";

struct Classification {
    Decision decision;
    Evidence evidence;
};

// The decision on a best and runner-up score (runner_up 0 when there is none).
Classification classify(double best, double runner_up, const Thresholds& thresholds);

}  // namespace eenplan::linkage
