#include "routeboek/routeboek_loader.hpp"

#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "eenplan/readers/routeboek_reader.hpp"
#include "validation/yaml_to_json.hpp"

namespace eenplan::service {

Result<routeboek::Routeboek> parse_routeboek(const std::string& yaml_text) {
    Result<YAML::Node> root = load_checked_yaml(yaml_text, "routeboek/routeboek.schema.json");
    if (!root) return root.problems();
    return readers::read_routeboek(root.value());
}

Result<routeboek::Routeboek> load_routeboek(const std::string& path) {
    std::ifstream in(path);
    if (!in) return Problem{"", "cannot be read"};
    std::ostringstream text;
    text << in.rdbuf();
    return parse_routeboek(text.str());
}

}  // namespace eenplan::service
