#include "eenplan/core/linkage/linkage_index.hpp"

#include <algorithm>

#include "eenplan/core/linkage/dice.hpp"

namespace eenplan::linkage {

RecordEncoder::RecordEncoder(const VersionedKey& key, ClkParameters parameters)
    : clk_(key, parameters), blocking_(key), fields_(key) {}

EncodedRecord RecordEncoder::encode(const LinkageAttributes& attributes) const {
    return encode_normalised(normalise(attributes));
}

EncodedRecord RecordEncoder::encode_normalised(const NormalisedAttributes& attributes) const {
    return {clk_.encode(attributes), blocking_.keys(attributes), fields_.encode(attributes)};
}

std::uint32_t LinkageIndex::add(const EncodedRecord& record) {
    const auto index = static_cast<std::uint32_t>(clks_.size());
    clks_.push_back(record.clk);
    blocks_.push_back(record.blocks);
    fields_.push_back(record.fields);
    if (record.fields.family_token != 0) ++family_counts_[record.fields.family_token];
    if (record.fields.given_first_token != 0) ++given_counts_[record.fields.given_first_token];
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
    return result(classify(best_score, runner_up, thresholds), pprl_rule_prefix, query.blocks, found, best);
}

LinkResult LinkageIndex::result(Classification c, std::string_view rule_prefix, const BlockingKeys& query,
                                const std::vector<std::uint32_t>& found, std::size_t best) const {
    LinkResult out;
    if (found.empty()) c.evidence.rule = std::string(rule_prefix) + "no_candidates";
    out.decision = c.decision;
    out.evidence = std::move(c.evidence);
    out.evidence.key_version = key_version_;
    out.evidence.candidates = static_cast<std::uint32_t>(found.size());
    if (best == found.size()) return out;
    const BlockingKeys& theirs = blocks_[found[best]];
    for (std::size_t pass = 0; pass < blocking_passes; ++pass) {
        if (query.has(pass) && theirs.has(pass) && query.keys[pass] == theirs.keys[pass]) {
            out.evidence.blocking_passes = static_cast<std::uint8_t>(out.evidence.blocking_passes | (1U << pass));
        }
    }
    if (out.decision != Decision::no_match) out.record = found[best];
    return out;
}

std::vector<FieldEvidence> field_evidence(const FellegiSunterScore& score) {
    std::vector<FieldEvidence> out;
    out.reserve(field_count);
    for (std::size_t f = 0; f < field_count; ++f) {
        const FieldWeight& w = score.fields[f];
        out.push_back(
            {to_string(static_cast<Field>(f)), to_string(w.level), w.pattern, w.weight, w.tf_adjustment, w.similarity});
    }
    return out;
}

TermCounts LinkageIndex::term_counts(const FieldEncoding& query) const {
    TermCounts counts;
    counts.total = fields_.size();
    if (const auto f = family_counts_.find(query.family_token); f != family_counts_.end()) counts.family = f->second;
    if (const auto g = given_counts_.find(query.given_first_token); g != given_counts_.end())
        counts.given_first = g->second;
    return counts;
}

LinkResult LinkageIndex::link(const EncodedRecord& query, const FellegiSunterParameters& parameters) const {
    thread_local std::vector<std::uint32_t> found;
    candidates(query.blocks, found);
    const TermCounts counts = term_counts(query.fields);
    const FellegiSunterWeights weights = weights_of(parameters);  // once per signal, not per candidate
    std::size_t best = found.size();
    FellegiSunterScore best_score;
    double runner_up = -1e9;
    for (std::size_t i = 0; i < found.size(); ++i) {
        const FellegiSunterScore s = score(compare(query.fields, fields_[found[i]]), parameters, weights, counts);
        if (best == found.size() || s.weight > best_score.weight) {
            if (best != found.size()) runner_up = std::max(runner_up, best_score.weight);
            best_score = s;
            best = i;
        } else {
            runner_up = std::max(runner_up, s.weight);
        }
    }
    LinkResult out = result(classify_weight(best == found.size() ? -1e9 : best_score.weight, runner_up, parameters),
                            fs_rule_prefix, query.blocks, found, best);
    if (best != found.size()) out.evidence.fields = field_evidence(best_score);
    return out;
}

}  // namespace eenplan::linkage
