#include "validation/yaml_to_json.hpp"

#include <charconv>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <yaml-cpp/yaml.h>

namespace eenplan::service {
namespace {

Poco::Dynamic::Var plain_scalar(const std::string& text) {
    if (text == "~" || text == "null" || text == "Null" || text == "NULL") return {};
    if (text == "true" || text == "True" || text == "TRUE") return true;
    if (text == "false" || text == "False" || text == "FALSE") return false;
    const char* end = text.data() + text.size();
    Poco::Int64 integer = 0;
    if (auto [p, ec] = std::from_chars(text.data(), end, integer); ec == std::errc{} && p == end) return integer;
    double number = 0;
    if (auto [p, ec] = std::from_chars(text.data(), end, number); ec == std::errc{} && p == end) return number;
    return text;
}

}  // namespace

Poco::Dynamic::Var yaml_to_json(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Map: {
            Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
            for (const auto& entry : node) {
                // A key that is itself a map or sequence ("{[1]: x}") cannot be a JSON name;
                // its YAML text stands in, for the schema to refuse (found by config_fuzz:
                // as<std::string>() threw past every caller).
                const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : YAML::Dump(entry.first);
                object->set(key, yaml_to_json(entry.second));
            }
            return object;
        }
        case YAML::NodeType::Sequence: {
            Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
            for (const auto& item : node) array->add(yaml_to_json(item));
            return array;
        }
        case YAML::NodeType::Scalar:
            // yaml-cpp tags a quoted scalar "!" and a plain one "?".
            return node.Tag() == "!" ? Poco::Dynamic::Var(node.Scalar()) : plain_scalar(node.Scalar());
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined:
            return {};
    }
    return {};
}

}  // namespace eenplan::service
