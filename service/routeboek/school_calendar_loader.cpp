#include "routeboek/school_calendar_loader.hpp"

#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "eenplan/readers/school_calendar_reader.hpp"
#include "validation/yaml_to_json.hpp"

namespace eenplan::service {

Result<routeboek::SchoolCalendar> parse_school_calendar(const std::string& yaml_text) {
    Result<YAML::Node> root = load_checked_yaml(yaml_text, "calendar/school_calendar.schema.json");
    if (!root) return root.problems();
    return readers::read_school_calendar(root.value());
}

Result<routeboek::SchoolCalendar> load_school_calendar(const std::string& path) {
    std::ifstream in(path);
    if (!in) return Problem{"", "cannot be read"};
    std::ostringstream text;
    text << in.rdbuf();
    return parse_school_calendar(text.str());
}

}  // namespace eenplan::service
