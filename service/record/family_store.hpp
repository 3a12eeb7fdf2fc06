// The SQL of families, on a session inside a transaction the caller holds: membership of pupils
// and parents, households joined into one, registrations and moves.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <soci/soci.h>

#include "eenplan/core/record/residence.hpp"
#include "record/record_input.hpp"

namespace eenplan::service::records {

// The family `family_id` belongs to now, following joins.
std::string family_root(soci::session& sql, const std::string& family_id);
// The family of a pupil record: that of its root, else of the first record merged into it.
std::optional<std::string> family_of_record(soci::session& sql, const std::vector<std::string>& nodes);
std::optional<std::string> family_of_parent(soci::session& sql, const std::string& pseudonym);
// The same, trying the parent's value under older key versions too (newest first), as long as
// --repseudonymise has not moved every stored value to the current one.
std::optional<std::string> family_of_parent(soci::session& sql, const HubPseudonym& identifier);

void create_family(soci::session& sql, const std::string& family_id, const std::string& signal_id, std::int64_t now_us);
// The one of these families that was created first: the one the others join.
std::string oldest_family(soci::session& sql, const std::vector<std::string>& families);
// Moves every member and registration of `other` into `into`, and points `other` at it.
void join_family(soci::session& sql, const std::string& other, const std::string& into, const std::string& signal_id);

void set_pupil_family(soci::session& sql, const std::string& pupil_id, const std::string& family_id);
void add_parent(soci::session& sql, const std::string& family_id, const HubPseudonym& identifier,
                const std::string& role, const std::string& signal_id, std::int64_t now_us);
void add_registration(soci::session& sql, const std::string& signal_id, const std::string& family_id,
                      const Household& household, std::int64_t now_us);
void add_move(soci::session& sql, const std::string& signal_id, const std::string& pseudonym, const Move& move,
              std::int64_t now_us);

// The children of a family (their root records, in the order they joined) and every hub
// pseudonym of those records: what residence_events needs to find the children's moves.
struct FamilyChildren {
    std::vector<std::string> roots;
    std::vector<std::string> pseudonyms;
};
FamilyChildren family_children(soci::session& sql, const std::string& family_root);

// Registrations of the family and moves of any of the given pseudonyms, as residence events.
std::vector<record::ResidenceEvent> residence_events(soci::session& sql, const std::string& family_id,
                                                     const std::vector<std::string>& child_pseudonyms);

}  // namespace eenplan::service::records
