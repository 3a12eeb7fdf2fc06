// Reading optional fields of a parsed JSON object, shared by the plan codec and the signal reader:
// a missing or null field reads as empty.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "eenplan/core/routeboek/calendar.hpp"

namespace eenplan::service::json_fields {

inline std::string text(const Poco::JSON::Object::Ptr& o, const char* key) {
    return o && o->has(key) && !o->isNull(key) ? o->getValue<std::string>(key) : std::string();
}

inline std::vector<std::string> texts(const Poco::JSON::Object::Ptr& o, const char* key) {
    std::vector<std::string> out;
    if (!o || !o->has(key)) return out;
    const Poco::JSON::Array::Ptr items = o->getArray(key);
    for (std::size_t i = 0; i < items->size(); ++i)
        out.push_back(items->getElement<std::string>(static_cast<unsigned>(i)));
    return out;
}

inline std::optional<routeboek::Day> day(const Poco::JSON::Object::Ptr& o, const char* key) {
    return routeboek::parse_day(text(o, key));
}

}  // namespace eenplan::service::json_fields
