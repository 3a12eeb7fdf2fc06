// Data-sharing agreements (convenanten) and consents as values, and the send-time decision over
// them: may this task leave for this recipient today, under which agreement version, legal basis
// and consent, and carrying which data categories. Pure: the caller passes the agreements, the
// consents, the date (Europe/Amsterdam) and the instant; nothing here reads a clock or a store.
//
// An agreement is versioned and never edited: a new version supersedes the old one from its
// valid_from date, and a revocation is a version that ends validity (revoked). For one agreement
// id the version that applies on a day is the highest version whose valid_from is on or before
// that day; it applies only when the day is on or before its valid_until (if any) and it is not a
// revocation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eenplan/core/delivery/task.hpp"

namespace eenplan::policy {

// The data categories a disclosure may carry. health is a special category (AVG art. 9): an
// agreement may allow it only with an explicit basis for special categories.
enum class Category {
    recipient_pseudonym,     // the recipient's own pseudonym of the pupil ("subject")
    task_type,               // "type"
    due_date,                // "due_date"
    school,                  // facts.school_brin
    event_date,              // facts.date
    reason_code,             // facts.reason_code
    woongemeente,            // facts.woongemeente
    absence_summary,         // a summary of absence (a task type about absence implies it)
    youth_care_involvement,  // that youth care is involved (a jeugdhulp or jeugdbescherming task implies it)
    health,                  // special category
};

std::optional<Category> category_from_name(std::string_view name);
std::string_view category_name(Category category);
bool is_special_category(Category category);
// The categories a task cannot be acted on without: a task stripped of them is not sent at all.
bool is_essential_category(Category category);

// A party on the receiving side: one organisation (a recipient id configured on the hub), or every
// organisation of a kind (leerplicht, local_team, school, ...).
struct Party {
    std::string organisation;  // empty: any organisation of `kind`
    std::string kind;          // empty: only `organisation`
};

enum class BasisKind { statutory_task, consent };

struct LegalBasis {
    BasisKind kind = BasisKind::statutory_task;
    std::string article;                 // statutory task: e.g. "Leerplichtwet 1969 art. 21"
    std::string special_category_basis;  // needed to allow a special category, e.g. "UAVG art. 30 lid 1"
};

struct Agreement {
    std::string id;
    int version = 1;
    std::string valid_from;   // YYYY-MM-DD, inclusive
    std::string valid_until;  // YYYY-MM-DD, inclusive; empty: open-ended
    bool revoked = false;     // this version ends the agreement from valid_from
    std::vector<Party> parties;
    std::string purpose;                  // verzuim, thuiszitters-aanpak, jeugdhulp-afstemming, ...
    std::vector<std::string> task_types;  // exact types, "prefix.*", or "*" for every type
    LegalBasis basis;
    std::string processing_activity;  // id in the art. 30 register
    std::vector<Category> categories;
    std::string retention;  // the agreed retention term, e.g. "P2Y"
};

// Whether an agreement may allow this category: a special one only with an explicit basis.
bool category_allowed_by(const Agreement& agreement, Category category);

enum class Grantor { parent, young_person };
// The pupil's age when the consent was given, as the person who recorded it established it (the
// hub holds no birth dates). Jeugdwet art. 7.3.4 and AVG art. 8 with UAVG art. 5: under 12 the
// parents decide; 12 to 15 the young person and the parents together for youth care; from 16 the
// young person alone.
enum class AgeBand { under_12, from_12_to_15, from_16 };

struct Consent {
    std::string id;
    std::string purpose;
    std::string recipient_kind;  // empty: any recipient kind
    std::vector<Category> categories;
    std::string valid_from;   // YYYY-MM-DD
    std::string valid_until;  // YYYY-MM-DD; empty: open-ended
    std::vector<Grantor> given_by;
    AgeBand age_band = AgeBand::under_12;
    std::optional<std::int64_t> withdrawn_at_us;  // from this instant it no longer counts
};

// Whether the grantors given are the ones the law asks for at this age and purpose.
bool consent_given_by_the_right_people(const Consent& consent);

// One disclosure about to happen.
struct DisclosureRequest {
    std::string recipient_id;
    std::string recipient_kind;
    std::string task_type;
    std::vector<Category> carried;  // what the task holds
    std::string date;               // YYYY-MM-DD, Europe/Amsterdam
    std::int64_t now_us = 0;
};

// Reason codes a blocked disclosure carries (kept stable: they appear in the delivery's
// last_error and the integration log).
namespace reason {
inline constexpr std::string_view no_agreement = "no_agreement";
inline constexpr std::string_view agreement_not_in_force = "agreement_not_in_force";
inline constexpr std::string_view no_consent = "no_consent";
inline constexpr std::string_view consent_withdrawn = "consent_withdrawn";
inline constexpr std::string_view consent_wrong_grantor = "consent_wrong_grantor";
// A category the task cannot go without (an essential one, or one its type implies) is not allowed.
inline constexpr std::string_view essential_category_not_allowed = "essential_category_not_allowed";
}  // namespace reason

struct SharingDecision {
    bool allowed = false;
    std::string reason;  // a reason:: code when blocked
    // Allowed: what it rests on.
    std::string agreement_id;
    int agreement_version = 0;
    LegalBasis basis;
    std::string processing_activity;
    std::string purpose;
    std::string consent_id;           // when the basis is consent
    std::vector<Category> disclosed;  // carried and allowed
    std::vector<Category> stripped;   // carried and not allowed: removed before sending
};

// The version of `versions` (all of one agreement id) that applies on `date`, or null.
const Agreement* applicable_version(const std::vector<Agreement>& versions, std::string_view date);

// Whether an agreement covers this recipient and task type.
bool covers(const Agreement& agreement, std::string_view recipient_id, std::string_view recipient_kind,
            std::string_view task_type);

// The decision for one disclosure. `agreements` holds every version of every agreement;
// `consents` the consents of the pupil the task is about. A statutory basis is preferred over
// consent when both would allow it. Blocked: the reason of the agreement that came closest.
SharingDecision decide_disclosure(const DisclosureRequest& request, const std::vector<Agreement>& agreements,
                                  const std::vector<Consent>& consents);

// The categories a shared task carries: its fields, plus what its type implies (a type about
// absence carries an absence summary, a jeugdhulp or jeugdbescherming type youth-care involvement).
std::vector<Category> carried_categories(const delivery::SharedTask& task);

// The task with every category not in `allowed` removed (its facts cleared).
delivery::SharedTask minimise(delivery::SharedTask task, const std::vector<Category>& allowed);

}  // namespace eenplan::policy
