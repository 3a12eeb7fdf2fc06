#include "eenplan/core/record/pupil_linking.hpp"

#include <algorithm>
#include <map>

namespace eenplan::record {

int identifier_rank(std::string_view kind) {
    if (kind == "bsn") return 0;
    if (kind == "polymorphic") return 1;
    if (kind == "onderwijsnummer") return 2;
    return 3;
}

LinkPlan plan_deterministic_link(std::span<const IdentifierSighting> sightings) {
    LinkPlan plan;
    if (sightings.empty()) {
        plan.action = LinkAction::probabilistic;
        return plan;
    }
    // The strongest known identifier decides; ties keep the order the signal gave.
    std::vector<std::size_t> order(sightings.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return identifier_rank(sightings[a].kind) < identifier_rank(sightings[b].kind);
    });
    for (const std::size_t i : order) {
        const IdentifierSighting& s = sightings[i];
        if (!s.known_on) {
            plan.new_identifiers.push_back(i);
            continue;
        }
        const std::string root = s.known_root.value_or(*s.known_on);
        if (!plan.pupil) {
            plan.pupil = s.known_on;
            plan.pupil_root = root;
            plan.rule = "deterministic." + s.kind;
        } else if (root != *plan.pupil_root &&
                   std::find(plan.to_merge.begin(), plan.to_merge.end(), root) == plan.to_merge.end()) {
            plan.to_merge.push_back(root);
        }
    }
    std::sort(plan.new_identifiers.begin(), plan.new_identifiers.end());
    if (plan.pupil) {
        plan.action = LinkAction::link_existing;
    } else {
        plan.action = LinkAction::create_pupil;
        plan.rule = "deterministic.new_record";
    }
    return plan;
}

namespace {

template <typename Classify>
ProbabilisticLink decide(std::span<const ScoredEncoding> scored, std::uint32_t key_version, double none,
                         std::string_view rule_prefix, Classify classify) {
    struct Best {
        double score = 0;
        const ScoredEncoding* encoding = nullptr;
    };
    std::map<std::string, Best> per_record;
    for (const ScoredEncoding& s : scored) {
        Best& best = per_record[s.root];
        if (best.encoding == nullptr || s.score > best.score) best = {s.score, &s};
    }
    const std::string* best_record = nullptr;
    Best best;
    double runner_up = none;
    for (const auto& [record, b] : per_record) {
        if (best_record == nullptr || b.score > best.score) {
            if (best_record != nullptr) runner_up = std::max(runner_up, best.score);
            best_record = &record;
            best = b;
        } else {
            runner_up = std::max(runner_up, b.score);
        }
    }
    const double best_score = best_record ? best.score : none;
    linkage::Classification c = classify(best_score, runner_up);
    ProbabilisticLink link;
    link.decision = c.decision;
    link.evidence = std::move(c.evidence);
    link.evidence.key_version = key_version;
    link.evidence.candidates = static_cast<std::uint32_t>(per_record.size());
    if (best_record == nullptr) {
        link.evidence.rule = std::string(rule_prefix) + "no_candidates";
        return link;
    }
    link.evidence.blocking_passes = best.encoding->blocking_passes;
    link.evidence.fields = best.encoding->fields;
    if (link.decision != linkage::Decision::no_match) {
        link.pupil = best.encoding->pupil;
        link.root = *best_record;
    }
    return link;
}

}  // namespace

ProbabilisticLink decide_probabilistic_link(std::span<const ScoredEncoding> scored,
                                            const linkage::Thresholds& thresholds, std::uint32_t key_version) {
    return decide(scored, key_version, 0.0, linkage::pprl_rule_prefix,
                  [&](double best, double runner_up) { return linkage::classify(best, runner_up, thresholds); });
}

ProbabilisticLink decide_field_level_link(std::span<const ScoredEncoding> scored,
                                          const linkage::FellegiSunterParameters& parameters,
                                          std::uint32_t key_version) {
    // No runner-up: a weight far below any threshold (the evidence shows it as none).
    return decide(scored, key_version, no_runner_up, linkage::fs_rule_prefix,
                  [&](double best, double runner_up) { return linkage::classify_weight(best, runner_up, parameters); });
}

}  // namespace eenplan::record
