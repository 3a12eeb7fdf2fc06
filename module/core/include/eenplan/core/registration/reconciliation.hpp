// Reconciliation with the municipal register: a municipality lists the children of school age
// living there (hub-domain pseudonyms or polymorphic encryptions, never BSNs); the hub answers
// which of them it knows no current enrolment for, in that municipality's own pseudonyms, plus
// counts. Only listed children are answered about, and the list itself is not kept: what remains
// of a run is its counts and a digest of the list as sent (the run's proof). Pure: the caller
// opens the identities and says, per hub pseudonym, what the hub knows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eenplan/core/keyed_pseudonymiser.hpp"
#include "eenplan/core/routeboek/plan.hpp"

namespace eenplan::registration {

// Whether any of a pupil's record ids has an enrolment on `day`: started on or before it (or of
// unknown start) and not ended before it.
bool enrolled_on(const std::vector<routeboek::Enrolment>& enrolments, const std::vector<std::string>& pupil_ids,
                 routeboek::Day day);

// One entry of the list: as sent, and its hub pseudonym when the hub could open it.
struct ListedChild {
    std::string as_sent;
    std::optional<std::string> hub_pseudonym;
};

enum class ChildStatus { enrolled, not_enrolled, unknown };  // unknown: no pupil record at all

struct ReconciliationCounts {
    std::size_t listed = 0;              // entries sent
    std::size_t duplicates = 0;          // entries naming a child already listed
    std::size_t unreadable = 0;          // entries the hub cannot open (not answered about)
    std::size_t enrolled = 0;            // a current enrolment is known
    std::size_t known_not_enrolled = 0;  // a pupil record, but no current enrolment
    std::size_t unknown = 0;             // no pupil record: the hub knows no enrolment either
    [[nodiscard]] std::size_t without_enrolment() const { return known_not_enrolled + unknown; }
    ReconciliationCounts& operator+=(const ReconciliationCounts& other);
};

struct ReconciliationAnswer {
    std::vector<std::string> without_enrolment;  // the municipality's own pseudonyms, sorted
    ReconciliationCounts counts;
    std::string digest;  // hex SHA-256 of the entries as sent, sorted, one per line
};

// `status_of` is asked once per distinct hub pseudonym; `recipient_id` is the organisation whose
// pseudonyms the answer is in (the municipality's leerplicht office, as its tasks use).
ReconciliationAnswer reconcile(const std::vector<ListedChild>& children,
                               const std::function<ChildStatus(const std::string&)>& status_of,
                               const KeyedPseudonymiser& key, std::string_view recipient_id);

// The digest of a list as sent (order does not matter).
std::string list_digest(std::vector<std::string> as_sent);

// The proof of a finished run: hex SHA-256 of the list's digest, the counts and the time it
// ended, so that a run can later be shown to have been answered as it was, without its list.
std::string run_proof(std::string_view digest, const ReconciliationCounts& counts, std::int64_t ended_at_s);

}  // namespace eenplan::registration
