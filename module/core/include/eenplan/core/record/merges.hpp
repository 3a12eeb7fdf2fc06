// Merge and unmerge of pupil records as a forest: a merge points the absorbed record's root at the
// survivor's root, and nothing else changes, so undoing it (clearing that one pointer) restores
// both records exactly, signals and identifiers included, whatever happened around them since.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "eenplan/core/result.hpp"

namespace eenplan::record {

// merged_into[record] = the record it was merged into, for records that are merged now.
using MergeLinks = std::map<std::string, std::string>;

// The record that `id` belongs to now. Throws std::logic_error on a cycle, which the rules below
// make impossible.
std::string resolve_root(const MergeLinks& merged_into, std::string id);

// Why two records cannot be merged: the same record, or either one no longer a root. Pointers
// name the request field ("/with").
Problems check_merge(const MergeLinks& merged_into, const std::string& survivor, const std::string& absorbed);

struct MergeState {
    std::string absorbed;
    std::string survivor;
    bool undone = false;
};

// Why a merge cannot be undone: undone before, or its absorbed record is not pointing at its
// survivor any more (which the rules above make impossible, but the store is checked anyway).
Problems check_undo(const MergeLinks& merged_into, const MergeState& merge);

}  // namespace eenplan::record
