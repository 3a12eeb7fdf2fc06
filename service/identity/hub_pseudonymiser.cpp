#include "identity/hub_pseudonymiser.hpp"

#include <algorithm>
#include <stdexcept>

#include "eenplan/core/keyed_pseudonym.hpp"
#include "eenplan/core/keyed_pseudonymiser.hpp"
#include "common/store_types.hpp"
#include "identity/keyserver_client.hpp"

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
    return HubPseudonym{std::move(kind), std::move(value), std::move(earlier), {}};
}

}  // namespace

HubPseudonymiser::HubPseudonymiser(KeyRing ring, std::optional<PolymorphicMasterKeys> master)
    : ring_(std::move(ring)), master_(std::move(master)) {
    if (master_) hub_key_ = RecipientKey::issue(*master_, hub_domain);
}

HubPseudonymiser::HubPseudonymiser(KeyRing ring, PolymorphicPublicKey public_key, RecipientKey hub_key,
                                   std::shared_ptr<const DomainConverter> converter,
                                   std::vector<RecipientKey> earlier_hub_keys)
    : ring_(std::move(ring)),
      hub_key_(std::move(hub_key)),
      earlier_hub_keys_(std::move(earlier_hub_keys)),
      public_key_(std::move(public_key)),
      converter_(std::move(converter)) {}

std::vector<Result<HubPseudonym>> HubPseudonymiser::pseudonymise_all(const std::vector<Subject>& subjects) const {
    std::vector<Result<HubPseudonym>> results;
    if (!converter_) {
        for (const Subject& subject : subjects) results.push_back(pseudonymise(subject));
        return results;
    }
    // Every identity as an encryption under the public key: a number is encrypted here (and the
    // encryption, not the number, leaves the hub), an encryption must already be under it.
    std::vector<PolymorphicCiphertext> batch;
    std::vector<std::optional<std::size_t>> slot(subjects.size());
    std::vector<std::string> kinds(subjects.size());
    for (std::size_t i = 0; i < subjects.size(); ++i) {
        if (const auto* number = std::get_if<PersonNumber>(&subjects[i])) {
            kinds[i] = std::string(to_string(number->kind()));
            slot[i] = batch.size();
            batch.push_back(encrypt_at_source(*public_key_, *number));
            continue;
        }
        const auto& ciphertext = std::get<PolymorphicCiphertext>(subjects[i]);
        kinds[i] = "polymorphic";
        if (ciphertext.public_key() == *public_key_) {
            slot[i] = batch.size();
            batch.push_back(ciphertext);
        }
    }
    const std::vector<PolymorphicCiphertext> converted = converter_->convert(batch, hub_domain);
    for (std::size_t i = 0; i < subjects.size(); ++i) {
        if (!slot[i]) {
            results.emplace_back(Problem{"/subject/polymorphic", "is not encrypted under this hub's public key"});
            continue;
        }
        const PolymorphicCiphertext& answer = converted[*slot[i]];
        const RecipientKey* key = hub_key_->public_key() == answer.public_key() ? &*hub_key_ : nullptr;
        for (const RecipientKey& earlier : earlier_hub_keys_) {
            if (earlier.public_key() == answer.public_key()) key = &earlier;
        }
        if (key == nullptr) {
            // Made for a version of the hub's key this hub does not hold (a rotation done in the
            // wrong order): the hub's settings are wrong, not the signal; it is to come again.
            throw KeyServerUnavailable("the key server converts for a recipient key this hub does not hold");
        }
        auto domain_pseudonym = decrypt(*key, answer);
        if (!domain_pseudonym) {
            results.emplace_back(Problem{"/subject/polymorphic", "cannot be opened by this hub"});
            continue;
        }
        HubPseudonym pseudonym = chained(ring_, kinds[i], polymorphic_kind, domain_pseudonym.value());
        pseudonym.polymorphic = rerandomise(batch[*slot[i]]).to_string();
        results.push_back(std::move(pseudonym));
    }
    return results;
}

Result<HubPseudonym> HubPseudonymiser::pseudonymise(const Subject& subject) const {
    if (converter_) return std::move(pseudonymise_all({subject}).front());
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
