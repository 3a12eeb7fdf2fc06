#include "inbound/las_parnassys.hpp"

#include "inbound/las_enrolment.hpp"

namespace eenplan::inbound {

Result<CanonicalRequest> map_parnassys(const std::string& body, const SchoolDefaults& defaults,
                                       const std::string& received_at) {
    auto payload = parse_payload(body);
    if (!payload) return payload.problems();
    const auto& p = payload.value();
    Problems problems;
    const auto subject = person_subject(text_at(p, {"leerling", "bsn"}), text_at(p, {"leerling", "onderwijsnummer"}));
    if (subject->size() == 0) problems.push_back({"/leerling", "has neither a bsn nor an onderwijsnummer"});
    auto school = school_ref(text_at(p, {"school", "brinnummer"}), defaults, "/school/brinnummer");
    if (!school) problems.insert(problems.end(), school.problems().begin(), school.problems().end());
    // An in- or uitschrijving instead of a verzuimregistratie.
    const std::string at = text_at(p, {"geregistreerdOp"}).value_or(received_at);
    if (p->has("inschrijving")) {
        return enrolment_request(
            {false, text_at(p, {"inschrijving", "datumInschrijving"}), text_at(p, {"inschrijving", "onderwijssoort"}),
             "/inschrijving/datumInschrijving", at},
            subject, school, problems);
    }
    if (p->has("uitschrijving")) {
        return enrolment_request(
            {true, text_at(p, {"uitschrijving", "datumUitschrijving"}),
             text_at(p, {"uitschrijving", "redenUitschrijving"}), "/uitschrijving/datumUitschrijving", at},
            subject, school, problems);
    }
    const auto from = to_iso_date(text_at(p, {"verzuim", "datumVan"}).value_or(""));
    if (!from) problems.push_back({"/verzuim/datumVan", "is missing or not a date"});
    const auto kind = absence_kind(text_at(p, {"verzuim", "soort"}).value_or(""), std::nullopt);
    if (!kind) problems.push_back({"/verzuim/soort", "is not a kind of absence this mapping knows"});
    const auto to_text = text_at(p, {"verzuim", "datumTot"});
    const auto to = to_text ? to_iso_date(*to_text) : std::nullopt;
    if (to_text && !to) problems.push_back({"/verzuim/datumTot", "is not a date"});
    if (!problems.empty()) return problems;

    Poco::JSON::Object::Ptr data = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    data->set("absence_kind", *kind);
    data->set("from", *from);
    if (to) data->set("to", *to);
    if (const auto verzuim = p->getObject("verzuim"); verzuim->has("aantalUren") && !verzuim->isNull("aantalUren")) {
        data->set("hours", verzuim->get("aantalUren").convert<double>());
    }
    return canonical_request(SignalType::absence_reported, text_at(p, {"geregistreerdOp"}).value_or(received_at),
                             subject, school.value(), data);
}

}  // namespace eenplan::inbound
