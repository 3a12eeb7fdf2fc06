#include "inbound/las_enrolment.hpp"

#include <algorithm>
#include <cctype>

namespace eenplan::inbound {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool has(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

}  // namespace

std::optional<std::string> enrolment_sector(std::string_view text) {
    const std::string t = lower(text);
    if (t == "po" || has(t, "primair") || has(t, "basis")) return "po";
    if (t == "so" || t == "vso" || has(t, "speciaal")) return "so";
    if (t == "vo" || has(t, "voortgezet") || has(t, "havo") || has(t, "vwo") || has(t, "vmbo")) return "vo";
    if (t == "mbo" || has(t, "beroeps")) return "mbo";
    return std::nullopt;
}

std::string enrolment_end_reason(std::string_view text) {
    const std::string t = lower(text);
    if (has(t, "verhuiz") || has(t, "emigrat") || has(t, "buitenland")) return "verhuizing";
    if (has(t, "schoolwissel") || has(t, "andere school") || has(t, "overstap") || has(t, "doorstroom")) {
        return "schoolwissel";
    }
    if (has(t, "leerplicht") || has(t, "diploma") || has(t, "startkwalificatie")) return "einde_leerplicht";
    if (has(t, "vrijstelling")) return "vrijstelling";
    return "overig";
}

Result<CanonicalRequest> enrolment_request(const VendorEnrolment& enrolment, const Poco::JSON::Object::Ptr& subject,
                                           const Result<Poco::JSON::Object::Ptr>& school, Problems problems) {
    const auto date = to_iso_date(enrolment.date.value_or(""));
    if (!date) problems.push_back({enrolment.date_pointer, "is missing or not a date"});
    if (!problems.empty()) return problems;
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    if (enrolment.ended) {
        data->set("end_date", *date);
        data->set("reason", enrolment_end_reason(enrolment.code.value_or("")));
        return canonical_request(SignalType::enrolment_ended, enrolment.occurred_at, subject, school.value(), data);
    }
    data->set("start_date", *date);
    if (const auto sector = enrolment_sector(enrolment.code.value_or(""))) data->set("sector", *sector);
    return canonical_request(SignalType::enrolment_started, enrolment.occurred_at, subject, school.value(), data);
}

}  // namespace eenplan::inbound
