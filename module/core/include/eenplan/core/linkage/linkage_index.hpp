// The in-memory side of probabilistic linkage: records encoded once (CLK + blocking keys), an
// index of stored records by blocking key, and link(): candidates from every blocking pass, Dice
// against each (dice.hpp, batched), the best one classified (classification.hpp). Pure: no I/O,
// no clock; the store that persists the encoded records lives outside core.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "eenplan/core/linkage/attributes.hpp"
#include "eenplan/core/linkage/blocking.hpp"
#include "eenplan/core/linkage/classification.hpp"
#include "eenplan/core/linkage/clk.hpp"
#include "eenplan/core/linkage/fellegi_sunter.hpp"
#include "eenplan/core/linkage/field_encoding.hpp"

namespace eenplan::linkage {

// What is stored of a record's attributes: the record-level CLK (kept so that encodings stored
// before field-level encodings existed stay comparable), the blocking keys, and the field-level
// encodings the Fellegi–Sunter decision compares.
struct EncodedRecord {
    Clk clk;
    BlockingKeys blocks;
    FieldEncoding fields;
};

// The per-field evidence of a Fellegi–Sunter score, for Evidence::fields.
std::vector<FieldEvidence> field_evidence(const FellegiSunterScore& score);

// CLK and blocking keys from one master key (their sub-keys are derived with different labels).
class RecordEncoder {
public:
    explicit RecordEncoder(const VersionedKey& key, ClkParameters parameters = {});
    [[nodiscard]] EncodedRecord encode(const LinkageAttributes& attributes) const;
    // For attributes normalised already (a distinct name: a braced list would be ambiguous).
    [[nodiscard]] EncodedRecord encode_normalised(const NormalisedAttributes& attributes) const;
    [[nodiscard]] std::uint32_t key_version() const noexcept { return clk_.key_version(); }

private:
    ClkEncoder clk_;
    BlockingKeyer blocking_;
    FieldEncoder fields_;
};

struct LinkResult {
    Decision decision = Decision::no_match;
    std::optional<std::uint32_t> record;  // the best candidate's index, for match and possible match
    Evidence evidence;
};

class LinkageIndex {
public:
    explicit LinkageIndex(std::uint32_t key_version) : key_version_(key_version) {}

    // Stores a record; returns its index (0, 1, 2, ...).
    std::uint32_t add(const EncodedRecord& record);
    [[nodiscard]] std::size_t size() const noexcept { return clks_.size(); }
    [[nodiscard]] std::span<const Clk> clks() const noexcept { return clks_; }

    // Sorted, distinct indices of the records sharing at least one blocking key with `blocks`.
    void candidates(const BlockingKeys& blocks, std::vector<std::uint32_t>& out) const;
    // Safe to call from several threads while nothing is added.
    // Record-level CLK and Dice (the decision before field-level encodings).
    [[nodiscard]] LinkResult link(const EncodedRecord& query, const Thresholds& thresholds) const;
    // Field-level comparison and the Fellegi–Sunter decision, term frequencies from this index.
    [[nodiscard]] LinkResult link(const EncodedRecord& query, const FellegiSunterParameters& parameters) const;
    [[nodiscard]] std::span<const FieldEncoding> fields() const noexcept { return fields_; }
    // How often the query's keyed family name and first given name occur in the index.
    [[nodiscard]] TermCounts term_counts(const FieldEncoding& query) const;

private:
    // The decision with its evidence: the candidate count, the blocking passes the best candidate
    // shares with the query, and that candidate's index unless the decision is no match.
    [[nodiscard]] LinkResult result(Classification c, std::string_view rule_prefix, const BlockingKeys& query,
                                    const std::vector<std::uint32_t>& found, std::size_t best) const;

    std::uint32_t key_version_;
    std::vector<Clk> clks_;
    std::vector<BlockingKeys> blocks_;
    std::vector<FieldEncoding> fields_;
    std::unordered_map<FieldToken, std::uint32_t> family_counts_;
    std::unordered_map<FieldToken, std::uint32_t> given_counts_;
    std::array<std::unordered_map<std::uint64_t, std::vector<std::uint32_t>>, blocking_passes> index_;
};

}  // namespace eenplan::linkage
