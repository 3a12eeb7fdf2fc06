// What of the store belongs to one family (or to one pupil no family holds): the unit that
// erasure removes on request and the purge removes when it has been untouched past its term.
// Only hub ids; the rows are found through the record tables (schemas/sql/0002_records.sql).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/store_types.hpp"

namespace eenplan::service {

struct FamilyScope {
    std::set<std::string> families;     // the family and every family joined into it
    std::set<std::string> pupils;       // its children's records and every record merged into them
    std::set<std::string> signals;      // every signal filed on those, and the parents' moves
    std::set<std::string> plans;        // plan ids: the families' and "pupil-<id>" of its children
    std::set<std::string> tasks;        // tasks decided in those plans or addressed to those pupils
    std::set<std::string> deliveries;   // the deliveries of those tasks
    std::int64_t last_activity_us = 0;  // the latest signal, plan change or record creation

    [[nodiscard]] std::vector<std::string> key_owners() const;
    // Sizes per kind, the same whether the scope is then removed or only counted (a dry run).
    void add_counts(std::map<std::string, long long>& counts) const;
    // "kind:id" lines, for the digest of what a run removed.
    void add_ids(std::vector<std::string>& lines) const;
};

// The scope of a family (the root it joined, if it joined one) or, with `lone_pupil`, of one
// pupil record in no family.
FamilyScope family_scope(soci::session& sql, const std::string& family_id);
FamilyScope lone_pupil_scope(soci::session& sql, const std::string& pupil_id);

// Deletes every row of the scope (not the payload keys: PayloadKeys::destroy does that).
void remove_scope(soci::session& sql, const FamilyScope& scope);

// Deletes one signal and the rows filed under it alone (its link, encoding, blocks, review,
// registration, move). The pupil and family records stay.
void remove_signal(soci::session& sql, const std::string& signal_id);

}  // namespace eenplan::service
