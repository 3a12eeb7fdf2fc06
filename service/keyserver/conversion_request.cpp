#include "keyserver/conversion_request.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "eenplan/core/json_bounds.hpp"

namespace eenplan::keyserver {

bool domain_shaped(std::string_view domain) {
    if (domain == "hub") return true;
    if (!domain.starts_with("org:") || domain.size() < 5 || domain.size() > 68) return false;
    for (std::size_t i = 4; i < domain.size(); ++i) {
        const char c = domain[i];
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                        c == '.' || c == '-';
        if (!ok) return false;
    }
    return true;
}

ParsedConversion parse_conversion(std::string_view body, std::size_t max_batch,
                                  const PolymorphicPublicKey& master_public_key) {
    ParsedConversion parsed;
    if (json_bounds::check(body)) {
        parsed.fault = RequestFault::malformed;
        return parsed;
    }
    Poco::JSON::Object::Ptr document;
    try {
        const Poco::Dynamic::Var value = Poco::JSON::Parser().parse(std::string(body));
        if (value.type() == typeid(Poco::JSON::Object::Ptr)) document = value.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
        document = nullptr;
    }
    if (!document) {
        parsed.fault = RequestFault::malformed;
        return parsed;
    }
    Problems& problems = parsed.problems;
    if (const auto value = document->get("domain"); value.isString()) {
        parsed.request.domain = value.extract<std::string>();
        if (!domain_shaped(parsed.request.domain)) problems.push_back({"/domain", "must be \"hub\" or \"org:<id>\""});
    } else {
        problems.push_back({"/domain", "is required, a string"});
    }
    Poco::JSON::Array::Ptr list;
    if (document->isArray("encryptions")) list = document->getArray("encryptions");
    if (!list) {
        problems.push_back({"/encryptions", "is required, an array of encryptions"});
    } else if (list->size() == 0 || list->size() > max_batch) {
        problems.push_back({"/encryptions", "must hold 1 to " + std::to_string(max_batch) + " encryptions"});
    }
    for (const auto& member : *document) {
        if (member.first != "domain" && member.first != "encryptions") {
            problems.push_back({"/" + member.first, "is not a known member"});
        }
    }
    if (problems.empty()) {
        for (std::size_t i = 0; i < list->size(); ++i) {
            const std::string pointer = "/encryptions/" + std::to_string(i);
            const auto item = list->get(static_cast<unsigned>(i));
            if (!item.isString()) {
                problems.push_back({pointer, "must be a string"});
                continue;
            }
            // Where, never what: an encryption is not repeated back.
            auto ciphertext = PolymorphicCiphertext::parse(item.extract<std::string>(), master_public_key, pointer);
            if (!ciphertext) {
                problems.push_back({pointer, "is not an encryption under this key server's public key"});
                continue;
            }
            parsed.request.encryptions.push_back(std::move(ciphertext).value());
        }
    }
    if (!problems.empty()) parsed.fault = RequestFault::invalid;
    return parsed;
}

}  // namespace eenplan::keyserver
