// The SQL of pupil records, on a session inside a transaction the caller holds: identifiers,
// links with their evidence, merges, and the stored linkage encodings. Every value is bound.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <soci/soci.h>

#include "eenplan/core/sealed_text.hpp"

#include "eenplan/core/linkage/linkage_index.hpp"
#include "record/record_input.hpp"

namespace eenplan::service::records {

std::string new_id();

std::optional<std::string> identifier_owner(soci::session& sql, const std::string& pseudonym);
// The same, trying the value under older key versions too (newest first), as long as
// --repseudonymise has not moved every stored value to the current one.
std::optional<std::string> identifier_owner(soci::session& sql, const std::string& pseudonym,
                                            const std::vector<std::string>& earlier);
bool pupil_exists(soci::session& sql, const std::string& pupil_id);
// The record `pupil_id` belongs to now, following merges.
std::string root_of(soci::session& sql, const std::string& pupil_id);
// The root and every record merged into it, transitively; the root first.
std::vector<std::string> record_nodes(soci::session& sql, const std::string& root);

void create_pupil(soci::session& sql, const std::string& pupil_id, const std::string& signal_id, std::int64_t now_us);
void add_identifier(soci::session& sql, const HubPseudonym& identifier, const std::string& pupil_id,
                    const std::string& signal_id, std::int64_t now_us);
void link_signal(soci::session& sql, const std::string& signal_id, const std::string& pupil_id, const std::string& rule,
                 std::optional<double> score, const std::string& evidence_json, std::int64_t now_us);

struct MergeRequest {
    std::string survivor;  // roots, checked by the caller under the merge lock
    std::string absorbed;
    std::string rule;  // "admin", "review" or "deterministic.shared_identifiers"
    std::string reason;
    std::string actor;  // the JWT subject, or "hub" for a merge the hub made itself
    std::optional<std::string> signal_id;
    std::optional<std::string> review_id;
};
// Records the merge and points the absorbed root at the survivor; returns the merge id. The reason
// is stored sealed (pupil_merges|<merge_id>|reason, core/sealed_text.hpp).
std::string merge(soci::session& sql, const TextSealer& sealer, const MergeRequest& request, std::int64_t now_us);

void store_encoding(soci::session& sql, const std::string& signal_id, const std::string& pupil_id,
                    const SubjectEncoding& encoding, std::int64_t now_us);

struct StoredEncoding {
    std::string signal_id;
    std::string pupil_id;
    linkage::Clk clk;
    std::uint8_t passes = 0;                       // blocking passes that proposed it
    std::optional<linkage::FieldEncoding> fields;  // none for encodings stored before field-level encodings
};
// Stored encodings under this key version that share a blocking key with `blocks`.
std::vector<StoredEncoding> candidate_encodings(soci::session& sql, const linkage::BlockingKeys& blocks,
                                                std::uint32_t key_version);

// How often the query's keyed family-name and first-given-name tokens occur among the stored
// encodings of this key version (linkage_token_counts, kept by store_encoding).
linkage::TermCounts term_counts(soci::session& sql, const linkage::FieldEncoding& query, std::uint32_t key_version);

std::string clk_to_hex(const linkage::Clk& clk);
std::optional<linkage::Clk> clk_from_hex(const std::string& hex);

}  // namespace eenplan::service::records
