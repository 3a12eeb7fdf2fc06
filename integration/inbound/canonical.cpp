#include "inbound/canonical.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

#include <Poco/JSON/Parser.h>

#include "eenplan/core/date_time.hpp"
#include "eenplan/core/json_bounds.hpp"

namespace eenplan::inbound {

std::optional<std::string> to_iso_date(std::string_view text) {
    const auto day = date_time::parse_vendor_date(text);
    if (!day) return std::nullopt;
    return date_time::format_full_date(*day);
}

std::optional<std::string> absence_kind(std::string_view reason, std::optional<bool> authorised) {
    std::string r(reason);
    std::transform(r.begin(), r.end(), r.begin(), [](unsigned char c) { return std::tolower(c); });
    if (r.find("ziek") != std::string::npos || r == "z" || r == "zk") return "ziekte";
    if (r.find("ongeoorloofd") != std::string::npos || r.find("spijbel") != std::string::npos) return "ongeoorloofd";
    if (authorised) return *authorised ? "geoorloofd" : "ongeoorloofd";
    if (r.find("geoorloofd") != std::string::npos || r.find("verlof") != std::string::npos ||
        r.find("vrijstelling") != std::string::npos) {
        return "geoorloofd";
    }
    return std::nullopt;
}

std::optional<std::string> gemeentecode(std::string_view text) {
    std::string digits(text);
    if (digits.starts_with("GM") || digits.starts_with("gm")) digits = digits.substr(2);
    if (digits.empty() || digits.size() > 4 ||
        !std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); })) {
        return std::nullopt;
    }
    return "GM" + std::string(4 - digits.size(), '0') + digits;
}

CanonicalRequest canonical_request(SignalType type, const std::string& occurred_at,
                                   const Poco::JSON::Object::Ptr& subject, const Poco::JSON::Object::Ptr& school,
                                   const Poco::JSON::Object::Ptr& data) {
    CanonicalRequest o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("type", std::string(to_string(type)));
    o->set("occurred_at", occurred_at);
    if (subject) o->set("subject", subject);
    if (school) o->set("school", school);
    o->set("data", data);
    return o;
}

std::optional<std::string> text_at(const Poco::JSON::Object::Ptr& root, std::initializer_list<const char*> path) {
    Poco::JSON::Object::Ptr node = root;
    std::size_t step = 0;
    for (const char* key : path) {
        if (!node || !node->has(key) || node->isNull(key)) return std::nullopt;
        if (++step == path.size()) return node->get(key).toString();
        node = node->getObject(key);
    }
    return std::nullopt;
}

Result<Poco::JSON::Object::Ptr> parse_payload(const std::string& body) {
    if (const auto exceeded = json_bounds::check(body)) return Problem{"", *exceeded};
    try {
        auto value = Poco::JSON::Parser().parse(body);
        if (value.type() != typeid(Poco::JSON::Object::Ptr)) return Problem{"", "must be a JSON object"};
        return value.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
        return Problem{"", "is not valid JSON"};
    }
}

Poco::JSON::Object::Ptr person_subject(const std::optional<std::string>& bsn,
                                       const std::optional<std::string>& onderwijsnummer) {
    auto digits = [](std::string s) {
        s.erase(std::remove_if(s.begin(), s.end(), [](unsigned char c) { return !std::isdigit(c); }), s.end());
        return s;
    };
    Poco::JSON::Object::Ptr subject = new Poco::JSON::Object;
    if (bsn && !digits(*bsn).empty()) subject->set("bsn", digits(*bsn));
    if (onderwijsnummer && !digits(*onderwijsnummer).empty()) subject->set("onderwijsnummer", digits(*onderwijsnummer));
    return subject;
}

Result<Poco::JSON::Object::Ptr> school_ref(const std::optional<std::string>& brin, const SchoolDefaults& defaults,
                                           const std::string& pointer) {
    const std::optional<std::string> b = brin ? std::optional<std::string>(brin->substr(0, 4)) : defaults.brin;
    Problems problems;
    if (!b) problems.push_back({pointer, "names no BRIN, and the source has no school configured"});
    if (!defaults.gemeentecode) problems.push_back({pointer, "the source has no school.gemeentecode configured"});
    if (!problems.empty()) return problems;
    Poco::JSON::Object::Ptr school = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    school->set("brin", *b);
    school->set("gemeentecode", *defaults.gemeentecode);
    return school;
}

}  // namespace eenplan::inbound
