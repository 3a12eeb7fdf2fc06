// Typed reading of a routeboek document that its schema (schemas/routeboek/routeboek.schema.json)
// has accepted: builds the core's Routeboek and checks the cross-references a schema cannot express
// (every ladder step is a table with a registration for that municipality, every organisation named
// exists). Every problem names its JSON pointer in the document.
//
// Shared by the service (service/routeboek/routeboek_loader.*, which checks the schema with
// valijson first) and the Node-RED addon (whose JavaScript checks the schema with ajv first), so a
// routeboek tried in a flow is read exactly as the service reads it.
#pragma once

#include <yaml-cpp/yaml.h>

#include "eenplan/core/result.hpp"
#include "eenplan/core/routeboek/routeboek.hpp"

namespace eenplan::readers {

// A value the schema lets through but the typed routeboek cannot hold is a problem, never thrown.
Result<routeboek::Routeboek> read_routeboek(YAML::Node root);

}  // namespace eenplan::readers
