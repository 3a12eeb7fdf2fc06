// What record-keeping needs of a signal once the pipeline has pseudonymised it: the subject's
// identifiers as hub pseudonyms, its linkage encoding (the attributes are gone by then), and the
// household or move the signal reports. Nothing here is plaintext personal data.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "eenplan/core/linkage/linkage_index.hpp"
#include "identity/hub_pseudonymiser.hpp"

namespace eenplan::service {

struct SubjectEncoding {
    linkage::EncodedRecord record;
    std::uint32_t key_version = 0;
};

struct HouseholdMember {
    std::string role;  // "parent", "guardian" or "child"
    std::vector<HubPseudonym> identifiers;
};

struct Household {
    std::string gemeentecode;
    std::string from_date;
    std::vector<HouseholdMember> members;
};

struct Move {
    std::string gemeentecode;
    std::string date;
};

struct RecordInput {
    std::vector<HubPseudonym> identifiers;  // of the subject; empty without one
    std::optional<SubjectEncoding> encoding;
    std::optional<Household> household;
    std::optional<Move> move;
};

}  // namespace eenplan::service
