#include "eenplan/core/record/merges.hpp"

#include <stdexcept>

namespace eenplan::record {

std::string resolve_root(const MergeLinks& merged_into, std::string id) {
    for (std::size_t steps = 0; steps <= merged_into.size(); ++steps) {
        const auto next = merged_into.find(id);
        if (next == merged_into.end()) return id;
        id = next->second;
    }
    throw std::logic_error("merge links form a cycle");
}

Problems check_merge(const MergeLinks& merged_into, const std::string& survivor, const std::string& absorbed) {
    if (merged_into.contains(survivor)) return {Problem{"", "the record was merged into another; merge that one"}};
    if (merged_into.contains(absorbed)) return {Problem{"/with", "was merged into another record; merge that one"}};
    if (survivor == absorbed) return {Problem{"/with", "is the same record"}};
    return {};
}

Problems check_undo(const MergeLinks& merged_into, const MergeState& merge) {
    if (merge.undone) return {Problem{"", "this merge was undone before"}};
    const auto link = merged_into.find(merge.absorbed);
    if (link == merged_into.end() || link->second != merge.survivor) {
        return {Problem{"", "the records of this merge are no longer joined by it"}};
    }
    return {};
}

}  // namespace eenplan::record
