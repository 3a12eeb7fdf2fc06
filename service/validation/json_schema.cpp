#include "validation/json_schema.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>

#include <Poco/JSON/Parser.h>
#include <valijson/adapters/poco_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "validation/embedded_files.hpp"

namespace eenplan::service {
namespace {

// valijson names a location as {"<root>", "[subject]", "[bsn]"} or "[0]" for array items;
// RFC 6901 wants "/subject/bsn", with "~" and "/" escaped.
std::string to_json_pointer(const std::vector<std::string>& context) {
    std::string pointer;
    for (const std::string& part : context) {
        if (part == "<root>") continue;
        std::string_view token = part;
        if (token.size() >= 2 && token.front() == '[' && token.back() == ']') {
            token = token.substr(1, token.size() - 2);
        }
        pointer += '/';
        for (char c : token) {
            if (c == '~') pointer += "~0";
            else if (c == '/') pointer += "~1";
            else pointer += c;
        }
    }
    return pointer;
}

// valijson reports each failure once at the failing node and again at every enclosing
// combinator ("allOf", "if/then"); the outer summaries say nothing new, so keep the innermost.
bool is_summary(const std::string& description) {
    return description.starts_with("Failed to validate against a conditional schema") ||
           description.starts_with("Failed to validate against child schema") ||
           description.starts_with("Failed to validate against schema associated with property") ||
           description.starts_with("Failed to validate against additional properties schema") ||
           (description.starts_with("Failed to validate item #") && description.ends_with(" in array."));
}

template <typename Adapter>
Problems run(const valijson::Schema& schema, const Adapter& adapter) {
    valijson::Validator validator(valijson::Validator::kStrongTypes);
    valijson::ValidationResults results;
    Problems problems;
    if (validator.validate(schema, adapter, &results)) return problems;
    valijson::ValidationResults::Error error;
    while (results.popError(error)) {
        if (is_summary(error.description)) continue;
        Problem problem{to_json_pointer(error.context), error.description};
        if (std::find(problems.begin(), problems.end(), problem) == problems.end()) {
            problems.push_back(std::move(problem));
        }
    }
    return problems;
}

}  // namespace

struct JsonSchema::Impl {
    valijson::Schema schema;
};

JsonSchema::JsonSchema(std::string_view schema_json) : impl_(std::make_unique<Impl>()) {
    Poco::JSON::Parser parser;
    const Poco::Dynamic::Var document = parser.parse(std::string(schema_json));
    valijson::SchemaParser schema_parser(valijson::SchemaParser::kDraft7);
    schema_parser.populateSchema(valijson::adapters::PocoJsonAdapter(document), impl_->schema);
}

JsonSchema::~JsonSchema() = default;
JsonSchema::JsonSchema(JsonSchema&&) noexcept = default;
JsonSchema& JsonSchema::operator=(JsonSchema&&) noexcept = default;

Problems JsonSchema::validate(const Poco::Dynamic::Var& document) const {
    return run(impl_->schema, valijson::adapters::PocoJsonAdapter(document));
}

const JsonSchema& JsonSchema::embedded(std::string_view path) {
    static std::mutex mutex;
    static std::map<std::string, JsonSchema, std::less<>> cache;
    const std::lock_guard lock(mutex);
    if (auto it = cache.find(path); it != cache.end()) return it->second;
    const auto text = embedded_file(path);
    if (!text) throw std::logic_error("no embedded schema " + std::string(path));
    return cache.emplace(std::string(path), JsonSchema(*text)).first->second;
}

}  // namespace eenplan::service
