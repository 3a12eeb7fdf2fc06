// The bounds pre-pass over sender JSON (core/json_bounds) and schema validation without
// std::regex: hostile sizes are refused with a sentence, never a crash.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "eenplan/core/json_bounds.hpp"
#include "config/config.hpp"
#include "validation/json_schema.hpp"

namespace jb = eenplan::json_bounds;
using eenplan::service::JsonSchema;

SCENARIO("the bounds pre-pass", "[security][ingest]") {
    CHECK_FALSE(jb::check(R"({"a":[1,2.5,-3e10,true,false,null],"b":"x\"y\\u00e9é"})"));
    CHECK(jb::check(std::string(1 << 20, '[')) == "the JSON is nested deeper than the service accepts");
    CHECK_FALSE(jb::check(std::string(32, '[') + std::string(32, ']')));
    CHECK(jb::check(std::string(33, '[')));
    CHECK(jb::check("{\"a\":\"" + std::string(20000, 'x') + "\"}") == "a string is longer than the service accepts");
    CHECK(jb::check("{\"a\":" + std::string(100000, '9') + "}") == "a number is longer than the service accepts");
    CHECK(jb::check(R"({"a":1e999})") == "a number is outside the range the service accepts");
    CHECK(jb::check(R"({"a":"\u0000"})") == "a string contains a NUL character");
    CHECK(jb::check(std::string("{\"a\":\"x\0y\"}", 11)) == "the body contains a NUL character");
    CHECK(jb::check("{\"a\":\"\xff\"}") == "the body is not valid UTF-8");
    CHECK(jb::check("{\"a\":\"\xc0\xaf\"}") == "the body is not valid UTF-8");      // overlong "/"
    CHECK(jb::check("{\"a\":\"\xed\xa0\x80\"}") == "the body is not valid UTF-8");  // a surrogate
    CHECK(jb::check("{\"a\":\"\xe2\x82\"}") == "the body is not valid UTF-8");      // truncated
    CHECK(jb::check("{\xff:1}") == "the body is not valid UTF-8");
    CHECK(jb::check("\xef\xbb\xbf{}") == "the body is not JSON text");
    CHECK(jb::check(R"({"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]})") == std::nullopt);
    CHECK(jb::check(R"({"type":"x","type":"absence.reported"})") == "an object repeats a key");
    CHECK(jb::check(R"({"a":{"b":1 , "b" :2}})") == "an object repeats a key");
    CHECK(jb::check(R"(["a","a"])") == std::nullopt);
}

SCENARIO("Poco's parser alone survives a megabyte of brackets", "[security][ingest]") {
    // Its default depth limit (128) throws instead of recursing; the pre-pass refuses earlier.
    CHECK_THROWS_AS(Poco::JSON::Parser().parse(std::string(1 << 20, '[')), Poco::Exception);
}

namespace {
std::string signal_with_occurred_at(const std::string& occurred_at) {
    return R"({"type":"absence.reported","occurred_at":")" + occurred_at +
           R"(","subject":{"bsn":"111222333"},"school":{"brin":"12AB","gemeentecode":"GM0518"},)"
           R"("data":{"from":"2026-11-16","absence_kind":"ongeoorloofd"}})";
}
}  // namespace

SCENARIO("the signal schema checks formats and patterns without std::regex", "[security][ingest]") {
    const JsonSchema& schema = JsonSchema::embedded("signals/signal.schema.json");
    auto problems = [&](const std::string& json) { return schema.validate(Poco::JSON::Parser().parse(json)); };
    CHECK(problems(signal_with_occurred_at("2026-11-16T08:30:00+01:00")).empty());
    CHECK_FALSE(problems(signal_with_occurred_at("2026-11-31T08:30:00Z")).empty());
    // The live defect: 100 000 digits killed the service through std::regex.
    const auto huge = problems(signal_with_occurred_at(std::string(100000, '1')));
    REQUIRE_FALSE(huge.empty());
    CHECK(huge.front().pointer == "/occurred_at");
    std::string brin = signal_with_occurred_at("2026-11-16T08:30:00Z");
    brin.replace(brin.find("12AB"), 4, std::string(100000, 'A'));
    CHECK_FALSE(problems(brin).empty());
}

SCENARIO("invalid UTF-8 never reaches valijson's string length checks", "[security][config]") {
    // Found by config_fuzz: valijson's u8_strlen indexes a table by an unchecked lead byte.
    const JsonSchema schema(R"({"properties":{"a":{"type":"string","minLength":1,"maxLength":8}}})");
    Poco::JSON::Object::Ptr document = new Poco::JSON::Object;
    document->set("a", std::string("\xf8\x88\x80\x80\x80"));
    const auto problems = schema.validate(document);
    REQUIRE(problems.size() == 1);
    CHECK(problems.front().pointer == "/a");
    CHECK(problems.front().detail == "is not valid UTF-8");
    CHECK(jb::is_utf8("zoë"));
    CHECK_FALSE(jb::is_utf8("\xc0\xaf"));
}

SCENARIO("schemas with patternProperties or unknown formats are refused at load", "[security][ingest]") {
    CHECK_THROWS(JsonSchema(R"({"type":"object","patternProperties":{"^a":{"type":"string"}}})"));
    CHECK_THROWS(JsonSchema(R"({"properties":{"a":{"type":"string","format":"email"}}})"));
    CHECK_THROWS(JsonSchema(R"j({"properties":{"a":{"type":"string","pattern":"(?<=x)"}}})j"));
    // A property named "pattern" is a name, not a keyword.
    const JsonSchema schema(R"({"properties":{"pattern":{"type":"string","pattern":"^a+$"}},"required":["pattern"]})");
    CHECK(schema.validate(Poco::JSON::Parser().parse(R"({"pattern":"aaa"})")).empty());
    CHECK_FALSE(schema.validate(Poco::JSON::Parser().parse(R"({"pattern":"b"})")).empty());
}

namespace {
// Every schema object of type "string" below `node`, by JSON Pointer, without a maxLength.
void unbounded_strings(const Poco::Dynamic::Var& node, const std::string& pointer, std::vector<std::string>& out) {
    if (node.type() == typeid(Poco::JSON::Object::Ptr)) {
        const auto object = node.extract<Poco::JSON::Object::Ptr>();
        if (object->has("type") && object->get("type").isString() &&
            object->getValue<std::string>("type") == "string" && !object->has("maxLength")) {
            out.push_back(pointer);
        }
        for (const auto& [key, value] : *object) unbounded_strings(value, pointer + "/" + key, out);
    } else if (node.type() == typeid(Poco::JSON::Array::Ptr)) {
        const auto array = node.extract<Poco::JSON::Array::Ptr>();
        for (std::size_t i = 0; i < array->size(); ++i) {
            unbounded_strings(array->get(static_cast<unsigned>(i)), pointer + "/" + std::to_string(i), out);
        }
    }
}
}  // namespace

SCENARIO("every string field of the signal schema has a maxLength", "[security][ingest]") {
    const auto path = std::string(std::getenv("EENPLAN_SOURCE_DIR")) + "/schemas/signals/signal.schema.json";
    std::ifstream in(path);
    REQUIRE(in);
    std::vector<std::string> unbounded;
    unbounded_strings(Poco::JSON::Parser().parse(in), "", unbounded);
    INFO(Catch::Detail::stringify(unbounded));
    CHECK(unbounded.empty());
}

SCENARIO("a YAML map key that is itself a map or sequence is refused, not thrown", "[security][config]") {
    // Found by config_fuzz: yaml_to_json's as<std::string>() threw past parse_config.
    const auto config = eenplan::service::parse_config(" [1, {b: c} :]\n", "/nonexistent");
    CHECK_FALSE(config.ok());
    CHECK_FALSE(eenplan::service::parse_config("{[1]: x, {a: b}: y}\n", "/nonexistent").ok());
}
