#include "identity/hub_pseudonymiser.hpp"

#include <algorithm>
#include <stdexcept>

#include "eenplan/core/keyed_pseudonym.hpp"
#include "eenplan/core/keyed_pseudonymiser.hpp"

namespace eenplan::service {
namespace {

// The identity kind under which a polymorphic pseudonym is keyed; never a person number's kind,
// so the two forms cannot collide.
constexpr std::string_view polymorphic_kind = "ppd";

// The identity's value under every version of the ring, first to current, by the chain of
// keyed_pseudonymiser.hpp; the current one is the pseudonym, the others go in `earlier`.
HubPseudonym chained(const KeyRing& ring, std::string kind, std::string_view pseudonym_kind,
                     std::string_view identity) {
    auto versions = ring.versions();
    std::sort(versions.begin(), versions.end());
    std::string value =
        KeyedPseudonymiser(*ring.find(versions.front())).pseudonym(hub_domain, pseudonym_kind, identity);
    std::vector<std::string> earlier;
    for (std::size_t i = 1; i < versions.size() && versions[i] <= ring.current().version(); ++i) {
        auto next = KeyedPseudonymiser(*ring.find(versions[i])).advance(value);
        if (!next) throw std::logic_error("a pseudonym key ring must hold every version up to its current one");
        earlier.insert(earlier.begin(), std::move(value));
        value = std::move(next).value();
    }
    return HubPseudonym{std::move(kind), std::move(value), std::move(earlier)};
}

}  // namespace

HubPseudonymiser::HubPseudonymiser(KeyRing ring, std::optional<PolymorphicMasterKeys> master)
    : ring_(std::move(ring)), master_(std::move(master)) {
    if (master_) hub_key_ = RecipientKey::issue(*master_, hub_domain);
}

Result<HubPseudonym> HubPseudonymiser::pseudonymise(const Subject& subject) const {
    if (const auto* number = std::get_if<PersonNumber>(&subject)) {
        const std::string kind(to_string(number->kind()));
        if (!master_) {
            return chained(ring_, kind, kind, number->digits_for_keyed_use());
        }
        const std::string domain_pseudonym = direct_pseudonym(*master_, hub_domain, *number);
        return chained(ring_, kind, polymorphic_kind, domain_pseudonym);
    }
    const auto& ciphertext = std::get<PolymorphicCiphertext>(subject);
    if (!master_) {
        return Problem{"/subject/polymorphic", "this hub is not configured for polymorphic identities"};
    }
    auto transcrypted = reshuffle_rekey_for(*master_, ciphertext, hub_domain);
    if (!transcrypted) return Problem{"/subject/polymorphic", "is not encrypted under this hub's public key"};
    auto domain_pseudonym = decrypt(*hub_key_, transcrypted.value());
    if (!domain_pseudonym) return Problem{"/subject/polymorphic", "cannot be opened by this hub"};
    return chained(ring_, "polymorphic", polymorphic_kind, domain_pseudonym.value());
}

Result<std::string> HubPseudonymiser::advance(std::string_view stored) const {
    return advance_keyed_pseudonym(ring_, stored);
}

}  // namespace eenplan::service
