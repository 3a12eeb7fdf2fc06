#include "ingest/subject_reader.hpp"

#include <openssl/crypto.h>

namespace eenplan::service {

Result<std::vector<Subject>> read_identities(const Poco::JSON::Object& subject, const std::string& pointer) {
    std::vector<Subject> identities;
    Problems problems;
    for (const PersonNumberKind kind : {PersonNumberKind::bsn, PersonNumberKind::onderwijsnummer}) {
        const std::string key(to_string(kind));
        if (!subject.has(key)) continue;
        auto number = PersonNumber::parse(kind, subject.getValue<std::string>(key), pointer + "/" + key);
        if (number) {
            identities.emplace_back(std::move(number).value());
        } else {
            problems.insert(problems.end(), number.problems().begin(), number.problems().end());
        }
    }
    if (subject.has("polymorphic")) {
        auto ciphertext =
            PolymorphicCiphertext::parse(subject.getValue<std::string>("polymorphic"), pointer + "/polymorphic");
        if (ciphertext) {
            identities.emplace_back(std::move(ciphertext).value());
        } else {
            problems.insert(problems.end(), ciphertext.problems().begin(), ciphertext.problems().end());
        }
    }
    if (!problems.empty()) return problems;
    return identities;
}

std::optional<linkage::LinkageAttributes> read_attributes(const Poco::JSON::Object& subject) {
    const auto attributes = subject.getObject("attributes");
    if (!attributes) return std::nullopt;
    linkage::LinkageAttributes out;
    out.family_name = attributes->getValue<std::string>("family_name");
    out.given_names = attributes->getValue<std::string>("given_names");
    out.birth_date = attributes->getValue<std::string>("birth_date");
    if (attributes->has("postcode")) out.postcode = attributes->getValue<std::string>("postcode");
    return out;
}

void wipe(linkage::LinkageAttributes& attributes) {
    for (std::string* field :
         {&attributes.family_name, &attributes.given_names, &attributes.birth_date, &attributes.postcode}) {
        OPENSSL_cleanse(field->data(), field->size());
        field->clear();
    }
}

}  // namespace eenplan::service
