// Reads a routeboek file (YAML), validates it against schemas/routeboek/routeboek.schema.json and
// then its cross-references (every ladder step is a table with a registration for that
// municipality, every organisation named exists), and builds the core's Routeboek. Every problem
// names its JSON pointer in the file, so that a wrong routeboek stops the service before it starts.
#pragma once

#include <string>

#include "eenplan/core/result.hpp"
#include "eenplan/core/routeboek/routeboek.hpp"

namespace eenplan::service {

Result<routeboek::Routeboek> parse_routeboek(const std::string& yaml_text);
Result<routeboek::Routeboek> load_routeboek(const std::string& path);

}  // namespace eenplan::service
