#include "inbound/zgw_notification.hpp"

namespace eenplan::inbound {

Result<Notification> parse_notification(const std::string& body) {
    auto payload = parse_payload(body);
    if (!payload) return payload.problems();
    const auto& p = payload.value();
    Notification n;
    Problems problems;
    auto required = [&](const char* key, std::string& into) {
        const auto value = text_at(p, {key});
        if (value) {
            into = *value;
        } else {
            problems.push_back({std::string("/") + key, "is required"});
        }
    };
    required("kanaal", n.kanaal);
    required("hoofdObject", n.hoofd_object);
    required("resource", n.resource);
    required("resourceUrl", n.resource_url);
    required("actie", n.actie);
    required("aanmaakdatum", n.aanmaakdatum);
    if (p->has("kenmerken") && !p->isNull("kenmerken")) {
        const auto kenmerken = p->getObject("kenmerken");
        if (!kenmerken) {
            problems.push_back({"/kenmerken", "must be an object"});
        } else {
            for (const auto& [key, value] : *kenmerken) n.kenmerken[key] = value.toString();
        }
    }
    if (!problems.empty()) return problems;
    return n;
}

std::optional<std::string> youth_care_provider(const Notification& n,
                                               const std::map<std::string, std::string>& zaaktypes) {
    if (n.kanaal != "zaken" || n.resource != "rol" || n.actie != "create") return std::nullopt;
    const auto zaaktype = n.kenmerken.find("zaaktype");
    if (zaaktype == n.kenmerken.end()) return std::nullopt;
    const auto provider = zaaktypes.find(zaaktype->second);
    if (provider == zaaktypes.end()) return std::nullopt;
    return provider->second;
}

Result<CanonicalRequest> map_youth_care_rol(const Notification& n, const std::string& rol_body,
                                            const std::string& provider) {
    auto rol = parse_payload(rol_body);
    if (!rol) return Problem{"/resourceUrl", "the rol it names is not JSON"};
    const auto& r = rol.value();
    Problems problems;
    if (text_at(r, {"betrokkeneType"}).value_or("") != "natuurlijk_persoon") {
        problems.push_back({"/resourceUrl", "the rol it names is not a natural person"});
    }
    const auto subject = person_subject(text_at(r, {"betrokkeneIdentificatie", "inpBsn"}), std::nullopt);
    if (subject->size() == 0) problems.push_back({"/resourceUrl", "the rol it names carries no inpBsn"});
    const auto date = to_iso_date(n.aanmaakdatum);
    if (!date) problems.push_back({"/aanmaakdatum", "is not a date-time"});
    if (!problems.empty()) return problems;
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    data->set("start_date", *date);
    data->set("provider", provider);
    return canonical_request(SignalType::youthcare_started, n.aanmaakdatum, subject, nullptr, data);
}

}  // namespace eenplan::inbound
