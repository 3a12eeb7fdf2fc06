#include "inbound/las_magister.hpp"

#include "inbound/las_enrolment.hpp"

namespace eenplan::inbound {

Result<CanonicalRequest> map_magister(const std::string& body, const SchoolDefaults& defaults,
                                      const std::string& received_at) {
    auto payload = parse_payload(body);
    if (!payload) return payload.problems();
    const auto& p = payload.value();
    Problems problems;
    const auto subject = person_subject(text_at(p, {"Leerling", "Bsn"}), text_at(p, {"Leerling", "Onderwijsnummer"}));
    if (subject->size() == 0) problems.push_back({"/Leerling", "has neither a Bsn nor an Onderwijsnummer"});
    auto school = school_ref(text_at(p, {"School", "Brin"}), defaults, "/School/Brin");
    if (!school) problems.insert(problems.end(), school.problems().begin(), school.problems().end());
    // An in- or uitschrijving instead of an absentie.
    const std::string at = text_at(p, {"Tijdstip"}).value_or(received_at);
    if (p->has("Inschrijving")) {
        return enrolment_request({false, text_at(p, {"Inschrijving", "Begin"}),
                                  text_at(p, {"Inschrijving", "Onderwijssoort"}), "/Inschrijving/Begin", at},
                                 subject, school, problems);
    }
    if (p->has("Uitschrijving")) {
        return enrolment_request({true, text_at(p, {"Uitschrijving", "Einde"}),
                                  text_at(p, {"Uitschrijving", "Reden", "Omschrijving"})
                                      .value_or(text_at(p, {"Uitschrijving", "Reden", "Code"}).value_or("")),
                                  "/Uitschrijving/Einde", at},
                                 subject, school, problems);
    }
    const auto from = to_iso_date(text_at(p, {"Absentie", "Begin"}).value_or(""));
    if (!from) problems.push_back({"/Absentie/Begin", "is missing or not a date"});
    std::optional<bool> authorised;
    if (const auto flag = text_at(p, {"Absentie", "Geoorloofd"})) authorised = *flag == "true";
    const std::string reason = text_at(p, {"Absentie", "Reden", "Omschrijving"})
                                   .value_or(text_at(p, {"Absentie", "Reden", "Code"}).value_or(""));
    const auto kind = absence_kind(reason, authorised);
    if (!kind) problems.push_back({"/Absentie/Reden", "is not a kind of absence this mapping knows"});
    const auto to_text = text_at(p, {"Absentie", "Einde"});
    const auto to = to_text ? to_iso_date(*to_text) : std::nullopt;
    if (to_text && !to) problems.push_back({"/Absentie/Einde", "is not a date"});
    if (!problems.empty()) return problems;

    Poco::JSON::Object::Ptr data = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    data->set("absence_kind", *kind);
    data->set("from", *from);
    if (to) data->set("to", *to);
    if (const auto absentie = p->getObject("Absentie"); absentie->has("Lesuren") && !absentie->isNull("Lesuren")) {
        data->set("hours", absentie->get("Lesuren").convert<double>());
    }
    return canonical_request(SignalType::absence_reported, text_at(p, {"Tijdstip"}).value_or(received_at), subject,
                             school.value(), data);
}

}  // namespace eenplan::inbound
