// The hub's own pseudonym of a pupil, used to link signals: a versioned keyed pseudonym
// ("kp1:<version>:...") in the "hub" domain.
//
// Without polymorphic keys it is taken over the person number itself. With them, it is taken over
// the hub-domain polymorphic pseudonym s_hub·H(number), so that a signal that arrives with a plain
// BSN and one that arrives encrypted at the source (subject.polymorphic) link to the same pupil
// while the hub never sees the number of the second.
//
// Key versions chain (see keyed_pseudonymiser.hpp): the value under version v+1 is made from the
// value under version v, so stored pseudonyms can be moved to a new key without any number.
#pragma once

#include <vector>

#include <optional>
#include <string>
#include <variant>

#include "eenplan/core/key_ring.hpp"
#include "eenplan/core/person_number.hpp"
#include "eenplan/core/polymorphic.hpp"

namespace eenplan::service {

// What a signal says about whom it concerns, before pseudonymisation.
using Subject = std::variant<PersonNumber, PolymorphicCiphertext>;

struct HubPseudonym {
    std::string kind;       // "bsn", "onderwijsnummer" or "polymorphic": how it arrived
    std::string pseudonym;  // "kp1:<version>:..."
    // The same identity under the ring's older versions, newest first: stored values not yet
    // moved by --repseudonymise still carry one of these, and lookups must find them.
    std::vector<std::string> earlier;
};

class HubPseudonymiser {
public:
    HubPseudonymiser(KeyRing ring, std::optional<PolymorphicMasterKeys> master);

    [[nodiscard]] bool accepts_polymorphic() const noexcept { return master_.has_value(); }

    // Fails only for a polymorphic subject this hub cannot open (no master keys, or encrypted
    // under another public key); the problem points at /subject/polymorphic.
    [[nodiscard]] Result<HubPseudonym> pseudonymise(const Subject& subject) const;

    // The same pupil's value under the next key version, made from the stored value alone.
    [[nodiscard]] Result<std::string> advance(std::string_view stored) const;

    [[nodiscard]] const KeyRing& ring() const noexcept { return ring_; }

private:
    KeyRing ring_;
    std::optional<PolymorphicMasterKeys> master_;
    std::optional<RecipientKey> hub_key_;
};

}  // namespace eenplan::service
