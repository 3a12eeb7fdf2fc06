#include "inbound/las_somtoday.hpp"

#include "inbound/las_enrolment.hpp"

namespace eenplan::inbound {

Result<CanonicalRequest> map_somtoday(const std::string& body, const SchoolDefaults& defaults,
                                      const std::string& received_at) {
    auto payload = parse_payload(body);
    if (!payload) return payload.problems();
    const auto& p = payload.value();
    Problems problems;
    const auto subject = person_subject(text_at(p, {"leerling", "bsn"}), text_at(p, {"leerling", "onderwijsnummer"}));
    if (subject->size() == 0) problems.push_back({"/leerling", "has neither a bsn nor an onderwijsnummer"});
    auto school =
        school_ref(text_at(p, {"vestiging", "brinVestigingsnummer"}), defaults, "/vestiging/brinVestigingsnummer");
    if (!school) problems.insert(problems.end(), school.problems().begin(), school.problems().end());
    // A plaatsing (inschrijving) or its end instead of an absentiemelding.
    const std::string at = text_at(p, {"aangemaaktOp"}).value_or(received_at);
    if (p->has("plaatsing")) {
        const bool ended = text_at(p, {"plaatsing", "datumTot"}).has_value();
        return enrolment_request(
            {ended, text_at(p, {"plaatsing", ended ? "datumTot" : "datumVan"}),
             ended ? text_at(p, {"plaatsing", "redenUitschrijving"}) : text_at(p, {"plaatsing", "onderwijssoort"}),
             ended ? "/plaatsing/datumTot" : "/plaatsing/datumVan", at},
            subject, school, problems);
    }
    const auto from = to_iso_date(text_at(p, {"beginDatumTijd"}).value_or(""));
    if (!from) problems.push_back({"/beginDatumTijd", "is missing or not a date"});
    std::optional<bool> authorised;
    if (const auto flag = text_at(p, {"absentieReden", "geoorloofd"})) authorised = *flag == "true";
    const std::string reason =
        text_at(p, {"absentieReden", "omschrijving"}).value_or(text_at(p, {"absentieReden", "afkorting"}).value_or(""));
    const auto kind = absence_kind(reason, authorised);
    if (!kind) problems.push_back({"/absentieReden", "is not a kind of absence this mapping knows"});
    const auto to_text = text_at(p, {"eindDatumTijd"});
    const auto to = to_text ? to_iso_date(*to_text) : std::nullopt;
    if (to_text && !to) problems.push_back({"/eindDatumTijd", "is not a date"});
    if (!problems.empty()) return problems;

    Poco::JSON::Object::Ptr data = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    data->set("absence_kind", *kind);
    data->set("from", *from);
    if (to) data->set("to", *to);
    if (p->has("lesuren") && !p->isNull("lesuren")) data->set("hours", p->get("lesuren").convert<double>());
    return canonical_request(SignalType::absence_reported, text_at(p, {"aangemaaktOp"}).value_or(received_at), subject,
                             school.value(), data);
}

}  // namespace eenplan::inbound
