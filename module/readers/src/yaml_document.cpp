#include "eenplan/readers/yaml_document.hpp"

#include <charconv>
#include <set>

namespace eenplan::readers {
namespace {

ScalarValue plain_scalar(const std::string& text) {
    if (text == "~" || text == "null" || text == "Null" || text == "NULL") return std::monostate{};
    if (text == "true" || text == "True" || text == "TRUE") return true;
    if (text == "false" || text == "False" || text == "FALSE") return false;
    const char* end = text.data() + text.size();
    std::int64_t integer = 0;
    if (auto [p, ec] = std::from_chars(text.data(), end, integer); ec == std::errc{} && p == end) return integer;
    double number = 0;
    if (auto [p, ec] = std::from_chars(text.data(), end, number); ec == std::errc{} && p == end) return number;
    return text;
}

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

ScalarValue scalar_value(const YAML::Node& scalar) {
    // yaml-cpp tags a quoted scalar "!" and a plain one "?".
    return scalar.Tag() == "!" ? ScalarValue(scalar.Scalar()) : plain_scalar(scalar.Scalar());
}

std::string key_text(const YAML::Node& key) { return key.IsScalar() ? key.Scalar() : YAML::Dump(key); }

Problems repeated_keys(const YAML::Node& node) {
    Problems problems;
    collect_repeated_keys(node, "", problems);
    return problems;
}

Result<YAML::Node> parse_yaml(const std::string& text) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        return Problem{"", "is not valid YAML: " + e.msg + " (line " + std::to_string(e.mark.line + 1) + ")"};
    }
    if (Problems repeated = repeated_keys(root); !repeated.empty()) return repeated;
    return root;
}

}  // namespace eenplan::readers
