// The rules by which a region's YAML document is read before any schema sees it, shared by the
// service (service/validation/yaml_to_json.*, which converts it for valijson) and the Node-API
// addon (module/node/routeboek_check.cpp, which converts it for ajv), so that both check and read
// the very same document.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include <yaml-cpp/yaml.h>

#include "eenplan/core/result.hpp"

namespace eenplan::readers {

// A scalar as the JSON value it stands for: plain scalars become null, booleans, integers or
// numbers where YAML 1.2's core schema reads them so ("~", "true", "42", "4.2"); quoted scalars
// always stay strings.
using ScalarValue = std::variant<std::monostate, bool, std::int64_t, double, std::string>;
ScalarValue scalar_value(const YAML::Node& scalar);

// The key as a JSON conversion names it. A key that is itself a map or sequence ("{[1]: x}")
// cannot be a JSON name; its YAML text stands in, for the schema to refuse.
std::string key_text(const YAML::Node& key);

// Every key that a mapping repeats, by JSON Pointer. YAML requires keys to be unique; yaml-cpp's
// lookup finds the first of two and a JSON conversion keeps the last, so a document with a
// repeated key would be checked against the schema with one value and read with the other.
Problems repeated_keys(const YAML::Node& node);

// YAML syntax, then repeated keys: a node returned is ready for the schema check.
Result<YAML::Node> parse_yaml(const std::string& text);

}  // namespace eenplan::readers
