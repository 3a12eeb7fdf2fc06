#include "inbound/brp_mutation.hpp"

#include <Poco/JSON/Array.h>

namespace eenplan::inbound {
namespace {

std::optional<std::string> role_of(const std::string& rol) {
    if (rol == "ouder") return "parent";
    if (rol == "gezaghouder") return "guardian";
    if (rol == "kind") return "child";
    return std::nullopt;
}

}  // namespace

Result<CanonicalRequest> map_brp_mutation(const std::string& body, const std::string& received_at) {
    auto payload = parse_payload(body);
    if (!payload) return payload.problems();
    const auto& p = payload.value();
    const std::string mutatie = text_at(p, {"mutatie"}).value_or("");
    const auto gemeente = gemeentecode(text_at(p, {"gemeenteVanInschrijving", "code"}).value_or(""));
    Problems problems;
    if (!gemeente) problems.push_back({"/gemeenteVanInschrijving/code", "is missing or not a municipality code"});
    const std::string occurred_at = text_at(p, {"tijdstip"}).value_or(received_at);
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);

    if (mutatie == "verhuizing") {
        const auto subject = person_subject(text_at(p, {"burgerservicenummer"}), std::nullopt);
        if (subject->size() == 0) problems.push_back({"/burgerservicenummer", "is missing"});
        const auto date = to_iso_date(text_at(p, {"datumAanvangAdreshouding"}).value_or(""));
        if (!date) problems.push_back({"/datumAanvangAdreshouding", "is missing or not a date"});
        if (!problems.empty()) return problems;
        data->set("gemeentecode", *gemeente);
        data->set("date", *date);
        return canonical_request(SignalType::person_moved, occurred_at, subject, nullptr, data);
    }
    if (mutatie == "huishouden") {
        const auto peildatum = to_iso_date(text_at(p, {"peildatum"}).value_or(""));
        if (!peildatum) problems.push_back({"/peildatum", "is missing or not a date"});
        Poco::JSON::Array::Ptr members = new Poco::JSON::Array;
        const auto leden = p->has("leden") && p->isArray("leden") ? p->getArray("leden") : nullptr;
        if (!leden || leden->size() == 0) problems.push_back({"/leden", "lists no members"});
        for (std::size_t i = 0; leden && i < leden->size(); ++i) {
            const auto lid = leden->getObject(static_cast<unsigned>(i));
            const std::string pointer = "/leden/" + std::to_string(i);
            const auto role = role_of(text_at(lid, {"rol"}).value_or(""));
            const auto subject = person_subject(text_at(lid, {"burgerservicenummer"}), std::nullopt);
            if (!role) problems.push_back({pointer + "/rol", "must be ouder, gezaghouder or kind"});
            if (subject->size() == 0) problems.push_back({pointer + "/burgerservicenummer", "is missing"});
            if (!role || subject->size() == 0) continue;
            Poco::JSON::Object::Ptr member = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
            member->set("role", *role);
            member->set("subject", subject);
            members->add(member);
        }
        if (!problems.empty()) return problems;
        data->set("gemeentecode", *gemeente);
        data->set("members", members);
        // The household is registered from occurred_at's date on (see the schema).
        return canonical_request(SignalType::household_composition, *peildatum + "T00:00:00Z", nullptr, nullptr, data);
    }
    problems.push_back({"/mutatie", "must be verhuizing or huishouden"});
    return problems;
}

}  // namespace eenplan::inbound
