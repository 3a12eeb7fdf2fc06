// Converts a YAML document to a JSON value so the same JSON Schema validation serves YAML
// configuration files. (valijson's own yaml-cpp adapter does not compile in the Debian 12 release.)
#pragma once

#include <Poco/Dynamic/Var.h>

namespace YAML {
class Node;
}

namespace eenplan::service {

// Plain scalars become null, booleans, integers or numbers where YAML 1.2's core schema reads them
// so ("~", "true", "42", "4.2"); quoted scalars always stay strings.
Poco::Dynamic::Var yaml_to_json(const YAML::Node& node);

}  // namespace eenplan::service
