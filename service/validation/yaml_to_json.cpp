#include "validation/yaml_to_json.hpp"

#include <type_traits>
#include <variant>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <yaml-cpp/yaml.h>

#include "eenplan/readers/yaml_document.hpp"
#include "validation/json_schema.hpp"

namespace eenplan::service {

Problems repeated_keys(const YAML::Node& node) { return readers::repeated_keys(node); }

Result<YAML::Node> load_checked_yaml(const std::string& text, std::string_view schema) {
    Result<YAML::Node> root = readers::parse_yaml(text);
    if (!root) return root;
    if (Problems problems = JsonSchema::embedded(schema).validate(yaml_to_json(root.value())); !problems.empty()) {
        return problems;
    }
    return root;
}

Poco::Dynamic::Var yaml_to_json(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Map: {
            Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
            for (const auto& entry : node) {
                object->set(readers::key_text(entry.first), yaml_to_json(entry.second));
            }
            return object;
        }
        case YAML::NodeType::Sequence: {
            Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
            for (const auto& item : node) array->add(yaml_to_json(item));
            return array;
        }
        case YAML::NodeType::Scalar:
            return std::visit(
                [](const auto& value) -> Poco::Dynamic::Var {
                    using T = std::decay_t<decltype(value)>;
                    if constexpr (std::is_same_v<T, std::monostate>) {
                        return {};
                    } else if constexpr (std::is_same_v<T, std::int64_t>) {
                        return static_cast<Poco::Int64>(value);
                    } else {
                        return value;
                    }
                },
                readers::scalar_value(node));
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined: return {};
    }
    return {};
}

}  // namespace eenplan::service
