// For the inbound mapper tests: a mapped envelope parsed back, and checked against the signal
// schema the ingest pipeline applies.
#pragma once

#include <catch2/catch.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>
#include <string>

#include "codec/signal_json.hpp"
#include "validation/json_schema.hpp"

// A mapper's canonical request as the JSON text a source would have sent.
inline std::string json_text(const Poco::JSON::Object::Ptr& request) {
    std::ostringstream out;
    request->stringify(out);
    return out.str();
}

inline Poco::JSON::Object::Ptr valid_signal(const Poco::JSON::Object::Ptr& request) {
    const std::string json = json_text(request);
    const auto document = Poco::JSON::Parser().parse(json);
    const auto problems = eenplan::service::JsonSchema::embedded("signals/signal.schema.json").validate(document);
    for (const auto& p : problems) INFO(p.pointer << ": " << p.detail);
    CHECK(problems.empty());
    // ... and read by the one signal codec, as the pipeline reads it.
    const auto object = document.extract<Poco::JSON::Object::Ptr>();
    const auto typed = eenplan::signal_json::from_request(*object);
    for (const auto& p : typed.ok() ? eenplan::Problems{} : typed.problems()) INFO(p.pointer << ": " << p.detail);
    CHECK(typed.ok());
    return object;
}

inline std::vector<std::string> pointers(const eenplan::Problems& problems) {
    std::vector<std::string> out;
    for (const auto& p : problems) out.push_back(p.pointer);
    return out;
}
