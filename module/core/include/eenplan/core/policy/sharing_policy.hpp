// What a recipient may receive about a pupil: the one place where data-sharing agreements and
// consents will be enforced. Today's policy is "allow-minimal": a task carries only what the
// recipient needs to act on it (task type, the recipient's own pseudonym of the pupil, due date,
// a reference back to the hub, the correlation id, and for a notification its coded facts: a BRIN,
// a date, a reason code, a gemeentecode) and nothing else, whatever the draft holds.
//
// The recipient's pseudonym is derived from the hub pseudonym, since the hub keeps no numbers:
//   subject = kp1:<v>:base32(HMAC(k_v, "eenplan/v1|org:<recipient>|hub|" + hub pseudonym))
// with the hub's current pseudonym key. Two recipients get unlinkable values for one pupil; the
// same recipient gets the same value every time (until the hub pseudonym key rotates).
#pragma once

#include <string>
#include <string_view>

#include "eenplan/core/delivery/task.hpp"
#include "eenplan/core/keyed_pseudonymiser.hpp"
#include "eenplan/core/result.hpp"

namespace eenplan::policy {

inline constexpr std::string_view allow_minimal = "allow-minimal";

// The pseudonym domain of one recipient organisation.
std::string recipient_domain(std::string_view recipient_id);

// The recipient's own pseudonym of the pupil behind `hub_pseudonym`.
std::string recipient_pseudonym(const KeyedPseudonymiser& key, std::string_view recipient_id,
                                std::string_view hub_pseudonym);

// Checks the draft and returns what may be sent. Problems point into the draft's JSON shape
// (/type, /due_date, ...) and never repeat a value.
Result<delivery::SharedTask> share_task(const delivery::TaskDraft& draft, std::string_view task_id,
                                        const KeyedPseudonymiser& key);

}  // namespace eenplan::policy
