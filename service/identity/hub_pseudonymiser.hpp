// The hub's own pseudonym of a pupil, used to link signals: a versioned keyed pseudonym
// ("kp1:<version>:...") in the "hub" domain.
//
// Without polymorphic keys it is taken over the person number itself. With them, it is taken over
// the hub-domain polymorphic pseudonym s_hub·H(number), so that a signal that arrives with a plain
// BSN and one that arrives encrypted at the source (subject.polymorphic) link to the same pupil
// while the hub never sees the number of the second.
//
// With a key server (keys.keyserver) the hub holds no master key: it encrypts a plain number under
// the public key itself, has every encryption of one request converted to the hub domain in one
// round trip (DomainConverter), and decrypts with its own recipient key. The pseudonyms are the
// same as with the master key in the hub, so a hub can move to a key server without re-linking.
//
// Key versions chain (see keyed_pseudonymiser.hpp): the value under version v+1 is made from the
// value under version v, so stored pseudonyms can be moved to a new key without any number.
#pragma once

#include <vector>

#include <memory>
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
    // With a key server: the identity as an encryption under the key server's public key,
    // re-randomised for this value ("pp1:..."), kept with the pupil's identifier so that a task can
    // later be converted to its recipient's domain (pupil_identifiers.polymorphic). Empty otherwise.
    std::string polymorphic;
};

class DomainConverter;  // identity/keyserver_client.hpp

class HubPseudonymiser {
public:
    HubPseudonymiser(KeyRing ring, std::optional<PolymorphicMasterKeys> master);
    // Through a key server: `public_key` is the master public key sources encrypt under, `hub_key`
    // the hub's recipient key for the domain "hub".
    // `earlier_hub_keys`: during a rotation of the hub's recipient key, the previous key(s); an
    // answer of the key server is opened with whichever key it was made for.
    HubPseudonymiser(KeyRing ring, PolymorphicPublicKey public_key, RecipientKey hub_key,
                     std::shared_ptr<const DomainConverter> converter, std::vector<RecipientKey> earlier_hub_keys = {});

    [[nodiscard]] bool accepts_polymorphic() const noexcept { return master_.has_value() || converter_ != nullptr; }

    // Fails only for a polymorphic subject this hub cannot open (no master keys, or encrypted
    // under another public key); the problem points at /subject/polymorphic. Throws
    // KeyServerUnavailable when a key server is configured and cannot convert now.
    [[nodiscard]] Result<HubPseudonym> pseudonymise(const Subject& subject) const;

    // Every subject of one request at once: with a key server, one round trip for all of them.
    // One result per subject, in order.
    [[nodiscard]] std::vector<Result<HubPseudonym>> pseudonymise_all(const std::vector<Subject>& subjects) const;

    // The same pupil's value under the next key version, made from the stored value alone.
    [[nodiscard]] Result<std::string> advance(std::string_view stored) const;

    [[nodiscard]] const KeyRing& ring() const noexcept { return ring_; }

    // Whether recipients get polymorphic pseudonyms: with a key server the hub keeps each pupil's
    // encryption and has it converted per recipient (the converter); without one, recipients get
    // the keyed pseudonym of policy/sharing_policy.hpp.
    [[nodiscard]] bool polymorphic_subjects() const noexcept { return converter_ != nullptr; }
    [[nodiscard]] const std::shared_ptr<const DomainConverter>& converter() const noexcept { return converter_; }

private:
    KeyRing ring_;
    std::optional<PolymorphicMasterKeys> master_;
    std::optional<RecipientKey> hub_key_;
    std::vector<RecipientKey> earlier_hub_keys_;        // with a key server, during a rotation
    std::optional<PolymorphicPublicKey> public_key_;    // with a key server
    std::shared_ptr<const DomainConverter> converter_;  // with a key server
};

}  // namespace eenplan::service
