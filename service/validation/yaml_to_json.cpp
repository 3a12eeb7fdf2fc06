#include "validation/yaml_to_json.hpp"

#include <charconv>
#include <set>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <yaml-cpp/yaml.h>

#include "validation/json_schema.hpp"

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

// The key as the JSON conversion names it. A key that is itself a map or sequence ("{[1]: x}")
// cannot be a JSON name; its YAML text stands in, for the schema to refuse (found by config_fuzz:
// as<std::string>() threw past every caller).
std::string key_text(const YAML::Node& key) { return key.IsScalar() ? key.Scalar() : YAML::Dump(key); }

// RFC 6901: "~" and "/" in a reference token are written "~0" and "~1".
std::string pointer_token(const std::string& key) {
    std::string out;
    for (char c : key) {
        if (c == '~')
            out += "~0";
        else if (c == '/')
            out += "~1";
        else
            out += c;
    }
    return out;
}

void collect_repeated_keys(const YAML::Node& node, const std::string& pointer, Problems& problems) {
    if (node.IsSequence()) {
        std::size_t index = 0;
        for (const auto& item : node) collect_repeated_keys(item, pointer + "/" + std::to_string(index++), problems);
    } else if (node.IsMap()) {
        std::set<std::string> seen;
        for (const auto& entry : node) {
            const std::string key = key_text(entry.first);
            const std::string at = pointer + "/" + pointer_token(key);
            if (!seen.insert(key).second) {
                problems.push_back({at, "repeats a key of the same mapping; YAML keys must be unique"});
            } else {
                collect_repeated_keys(entry.second, at, problems);
            }
        }
    }
}

}  // namespace

Problems repeated_keys(const YAML::Node& node) {
    Problems problems;
    collect_repeated_keys(node, "", problems);
    return problems;
}

Result<YAML::Node> load_checked_yaml(const std::string& text, std::string_view schema) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        return Problem{"", "is not valid YAML: " + e.msg + " (line " + std::to_string(e.mark.line + 1) + ")"};
    }
    if (Problems repeated = repeated_keys(root); !repeated.empty()) return repeated;
    if (Problems problems = JsonSchema::embedded(schema).validate(yaml_to_json(root)); !problems.empty()) {
        return problems;
    }
    return root;
}

Poco::Dynamic::Var yaml_to_json(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Map: {
            Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
            for (const auto& entry : node) {
                object->set(key_text(entry.first), yaml_to_json(entry.second));
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
        case YAML::NodeType::Undefined: return {};
    }
    return {};
}

}  // namespace eenplan::service
