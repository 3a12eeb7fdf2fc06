// YAML configuration files (the service's settings, routeboeken, school calendars) are checked with
// the same JSON Schema validation as signals: the document is converted to a JSON value first.
// (valijson's own yaml-cpp adapter does not compile in the Debian 12 release.)
#pragma once

#include <string>
#include <string_view>

#include <Poco/Dynamic/Var.h>
#include <yaml-cpp/node/node.h>

#include "eenplan/core/result.hpp"

namespace eenplan::service {

// Scalars by eenplan::readers::scalar_value (module/readers/.../yaml_document.hpp): plain ones
// become null, booleans, integers or numbers where YAML 1.2's core schema reads them so ("~",
// "true", "42", "4.2"); quoted scalars always stay strings.
Poco::Dynamic::Var yaml_to_json(const YAML::Node& node);

// Every key that a mapping repeats, by JSON Pointer (eenplan::readers::repeated_keys).
Problems repeated_keys(const YAML::Node& node);

// Parses `text` and checks it against an embedded schema (a path under schemas/): YAML syntax,
// then repeated keys, then the schema. A node returned passes all three.
Result<YAML::Node> load_checked_yaml(const std::string& text, std::string_view schema);

}  // namespace eenplan::service
