// For the inbound mapper tests: a mapped envelope parsed back, and checked against the signal
// schema the ingest pipeline applies.
#pragma once

#include <catch2/catch.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "validation/json_schema.hpp"

inline Poco::JSON::Object::Ptr valid_signal(const std::string& json) {
    const auto document = Poco::JSON::Parser().parse(json);
    const auto problems = eenplan::service::JsonSchema::embedded("signals/signal.schema.json").validate(document);
    for (const auto& p : problems) INFO(p.pointer << ": " << p.detail);
    CHECK(problems.empty());
    return document.extract<Poco::JSON::Object::Ptr>();
}

inline std::vector<std::string> pointers(const eenplan::Problems& problems) {
    std::vector<std::string> out;
    for (const auto& p : problems) out.push_back(p.pointer);
    return out;
}
