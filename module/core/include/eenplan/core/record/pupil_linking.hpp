// Which pupil record a signal lands on. Deterministic first: a signal's identifiers (hub pseudonyms
// of a BSN, an onderwijsnummer or a polymorphic identity) are looked up, and a known one decides.
// A signal that carries two identifiers known on two different records shows that those records
// are one pupil (an onderwijsnummer first, a BSN later): they are merged, the record of the
// strongest identifier surviving. Only a signal without any identifier goes the probabilistic way,
// where the Dice scores of its CLK against stored encodings decide (linkage/classification.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "eenplan/core/linkage/classification.hpp"
#include "eenplan/core/linkage/fellegi_sunter.hpp"

namespace eenplan::record {

// One identifier a signal carries, and the record (its current root) it is already known on.
struct IdentifierSighting {
    std::string kind;                       // "bsn", "polymorphic" or "onderwijsnummer"
    std::string pseudonym;                  // "kp1:<version>:..."
    std::optional<std::string> known_on;    // the record that holds the identifier
    std::optional<std::string> known_root;  // the record known_on belongs to now (after merges)
};

enum class LinkAction {
    create_pupil,   // no identifier is known: a new record
    link_existing,  // `pupil` (after merging `to_merge` into it)
    probabilistic,  // no identifiers at all
};

struct LinkPlan {
    LinkAction action = LinkAction::probabilistic;
    std::optional<std::string> pupil;  // the record holding the strongest known identifier
    std::optional<std::string> pupil_root;
    std::vector<std::string> to_merge;         // other roots this signal shows to be the same pupil
    std::vector<std::size_t> new_identifiers;  // indices of sightings to add to the record
    std::string rule;                          // evidence: "deterministic.bsn", ..., "deterministic.new_record"
};

// The strength order of identifiers: the BSN is the legal key, a polymorphic identity hides one
// of either kind, the onderwijsnummer is replaced by a BSN once the pupil has one.
int identifier_rank(std::string_view kind);

LinkPlan plan_deterministic_link(std::span<const IdentifierSighting> sightings);

// One stored encoding compared with the signal's CLK.
struct ScoredEncoding {
    std::string pupil;                           // the record the encoding belongs to
    std::string root;                            // the record `pupil` belongs to now (after merges)
    double score = 0;                            // Dice, or the Fellegi–Sunter weight in bits
    std::uint8_t blocking_passes = 0;            // passes that proposed it
    std::vector<linkage::FieldEvidence> fields;  // Fellegi–Sunter: per field
};

struct ProbabilisticLink {
    linkage::Decision decision = linkage::Decision::no_match;
    std::optional<std::string> pupil;  // for match and possible match: the record of the best encoding
    std::optional<std::string> root;
    linkage::Evidence evidence;
};

// Best and runner-up are taken per root (a record with several encodings counts once, with its
// best score), so two spellings of one child do not make its own match look ambiguous.
ProbabilisticLink decide_probabilistic_link(std::span<const ScoredEncoding> scored,
                                            const linkage::Thresholds& thresholds, std::uint32_t key_version);
inline constexpr double no_runner_up = -1e9;
// The same on Fellegi–Sunter weights of field-level encodings (scores in bits, `fields` kept as
// the evidence of the best record).
ProbabilisticLink decide_field_level_link(std::span<const ScoredEncoding> scored,
                                          const linkage::FellegiSunterParameters& parameters,
                                          std::uint32_t key_version);

}  // namespace eenplan::record
