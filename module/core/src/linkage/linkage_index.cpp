#include "eenplan/core/linkage/linkage_index.hpp"

#include <algorithm>

#include "eenplan/core/linkage/dice.hpp"

namespace eenplan::linkage {

RecordEncoder::RecordEncoder(const VersionedKey& key, ClkParameters parameters)
    : clk_(key, parameters), blocking_(key) {}

EncodedRecord RecordEncoder::encode(const LinkageAttributes& attributes) const { return encode_normalised(normalise(attributes)); }

EncodedRecord RecordEncoder::encode_normalised(const NormalisedAttributes& attributes) const {
    return {clk_.encode(attributes), blocking_.keys(attributes)};
}

std::uint32_t LinkageIndex::add(const EncodedRecord& record) {
    const auto index = static_cast<std::uint32_t>(clks_.size());
    clks_.push_back(record.clk);
    blocks_.push_back(record.blocks);
    for (std::size_t pass = 0; pass < blocking_passes; ++pass) {
        if (record.blocks.has(pass)) index_[pass][record.blocks.keys[pass]].push_back(index);
    }
    return index;
}

void LinkageIndex::candidates(const BlockingKeys& blocks, std::vector<std::uint32_t>& out) const {
    out.clear();
    for (std::size_t pass = 0; pass < blocking_passes; ++pass) {
        if (!blocks.has(pass)) continue;
        const auto found = index_[pass].find(blocks.keys[pass]);
        if (found != index_[pass].end()) out.insert(out.end(), found->second.begin(), found->second.end());
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
}

LinkResult LinkageIndex::link(const EncodedRecord& query, const Thresholds& thresholds) const {
    thread_local std::vector<std::uint32_t> found;
    thread_local std::vector<float> scores;
    candidates(query.blocks, found);
    scores.resize(found.size());
    dice_batch(query.clk, clks_, found, scores);

    std::size_t best = found.size();
    float best_score = 0, runner_up = 0;
    for (std::size_t i = 0; i < found.size(); ++i) {
        if (best == found.size() || scores[i] > best_score) {
            runner_up = best == found.size() ? 0.0F : best_score;
            best_score = scores[i];
            best = i;
        } else if (scores[i] > runner_up) {
            runner_up = scores[i];
        }
    }
    LinkResult result;
    Classification c = classify(best_score, runner_up, thresholds);
    if (found.empty()) c.evidence.rule = std::string(pprl_rule_prefix) + "no_candidates";
    result.decision = c.decision;
    result.evidence = std::move(c.evidence);
    result.evidence.key_version = key_version_;
    result.evidence.candidates = static_cast<std::uint32_t>(found.size());
    if (best != found.size()) {
        const BlockingKeys& theirs = blocks_[found[best]];
        for (std::size_t pass = 0; pass < blocking_passes; ++pass) {
            if (query.blocks.has(pass) && theirs.has(pass) && query.blocks.keys[pass] == theirs.keys[pass]) {
                result.evidence.blocking_passes = static_cast<std::uint8_t>(result.evidence.blocking_passes | (1U << pass));
            }
        }
        if (result.decision != Decision::no_match) result.record = found[best];
    }
    return result;
}

}  // namespace eenplan::linkage
