#include "identity/hub_pseudonymiser.hpp"

#include "eenplan/core/keyed_pseudonym.hpp"
#include "eenplan/core/keyed_pseudonymiser.hpp"

namespace eenplan::service {
namespace {

// The identity kind under which a polymorphic pseudonym is keyed; never a person number's kind,
// so the two forms cannot collide.
constexpr std::string_view polymorphic_kind = "ppd";

}  // namespace

HubPseudonymiser::HubPseudonymiser(KeyRing ring, std::optional<PolymorphicMasterKeys> master)
    : ring_(std::move(ring)), master_(std::move(master)) {
    if (master_) hub_key_ = RecipientKey::issue(*master_, hub_domain);
}

Result<HubPseudonym> HubPseudonymiser::pseudonymise(const Subject& subject) const {
    if (const auto* number = std::get_if<PersonNumber>(&subject)) {
        const std::string kind(to_string(number->kind()));
        if (!master_) {
            return HubPseudonym{kind, chained_keyed_pseudonym(ring_, hub_domain, kind, number->digits_for_keyed_use())};
        }
        const std::string domain_pseudonym = direct_pseudonym(*master_, hub_domain, *number);
        return HubPseudonym{kind, chained_keyed_pseudonym(ring_, hub_domain, polymorphic_kind, domain_pseudonym)};
    }
    const auto& ciphertext = std::get<PolymorphicCiphertext>(subject);
    if (!master_) {
        return Problem{"/subject/polymorphic", "this hub is not configured for polymorphic identities"};
    }
    auto transcrypted = reshuffle_rekey_for(*master_, ciphertext, hub_domain);
    if (!transcrypted) return Problem{"/subject/polymorphic", "is not encrypted under this hub's public key"};
    auto domain_pseudonym = decrypt(*hub_key_, transcrypted.value());
    if (!domain_pseudonym) return Problem{"/subject/polymorphic", "cannot be opened by this hub"};
    return HubPseudonym{"polymorphic",
                        chained_keyed_pseudonym(ring_, hub_domain, polymorphic_kind, domain_pseudonym.value())};
}

Result<std::string> HubPseudonymiser::advance(std::string_view stored) const {
    return advance_keyed_pseudonym(ring_, stored);
}

}  // namespace eenplan::service
