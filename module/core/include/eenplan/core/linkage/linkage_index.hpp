// The in-memory side of probabilistic linkage: records encoded once (CLK + blocking keys), an
// index of stored records by blocking key, and link(): candidates from every blocking pass, Dice
// against each (dice.hpp, batched), the best one classified (classification.hpp). Pure: no I/O,
// no clock; the store that persists the encoded records lives outside core.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "eenplan/core/linkage/attributes.hpp"
#include "eenplan/core/linkage/blocking.hpp"
#include "eenplan/core/linkage/classification.hpp"
#include "eenplan/core/linkage/clk.hpp"

namespace eenplan::linkage {

struct EncodedRecord {
    Clk clk;
    BlockingKeys blocks;
};

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
    [[nodiscard]] LinkResult link(const EncodedRecord& query, const Thresholds& thresholds) const;

private:
    std::uint32_t key_version_;
    std::vector<Clk> clks_;
    std::vector<BlockingKeys> blocks_;
    std::array<std::unordered_map<std::uint64_t, std::vector<std::uint32_t>>, blocking_passes> index_;
};

}  // namespace eenplan::linkage
