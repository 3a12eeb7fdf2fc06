#include "inbound/las_somtoday.hpp"

namespace eenplan::inbound {

Result<CanonicalRequest> map_somtoday(const std::string& body, const SchoolDefaults& defaults, const std::string& received_at) {
    auto payload = parse_payload(body);
    if (!payload) return payload.problems();
    const auto& p = payload.value();
    Problems problems;
    const auto subject = person_subject(text_at(p, {"leerling", "bsn"}), text_at(p, {"leerling", "onderwijsnummer"}));
    if (subject->size() == 0) problems.push_back({"/leerling", "has neither a bsn nor an onderwijsnummer"});
    auto school = school_ref(text_at(p, {"vestiging", "brinVestigingsnummer"}), defaults, "/vestiging/brinVestigingsnummer");
    if (!school) problems.insert(problems.end(), school.problems().begin(), school.problems().end());
    const auto from = to_iso_date(text_at(p, {"beginDatumTijd"}).value_or(""));
    if (!from) problems.push_back({"/beginDatumTijd", "is missing or not a date"});
    std::optional<bool> authorised;
    if (const auto flag = text_at(p, {"absentieReden", "geoorloofd"})) authorised = *flag == "true";
    const std::string reason = text_at(p, {"absentieReden", "omschrijving"})
                                   .value_or(text_at(p, {"absentieReden", "afkorting"}).value_or(""));
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
    return canonical_request(SignalType::absence_reported, text_at(p, {"aangemaaktOp"}).value_or(received_at), subject, school.value(), data);
}

}  // namespace eenplan::inbound
