#include "validation/json_schema.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <re2/re2.h>
#include <valijson/adapters/poco_json_adapter.hpp>
#include <valijson/constraint_builder.hpp>
#include <valijson/constraints/concrete_constraints.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "eenplan/core/date_time.hpp"
#include "eenplan/core/json_bounds.hpp"
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
            if (c == '~')
                pointer += "~0";
            else if (c == '/')
                pointer += "~1";
            else
                pointer += c;
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

// valijson 1.0 evaluates "pattern", "patternProperties" and the "date", "time" and "date-time"
// formats with the standard <regex> library, which in libstdc++ recurses once per character of the input: one long
// string from a sender overflows the stack and kills the service. So, at schema load, "pattern"
// and "format" are renamed to keywords of our own, checked by RE2 (linear time, no recursion) and
// by the hand-written RFC 3339 parsers of core; "patternProperties" is refused.
constexpr const char* pattern_keyword = "x-eenplan-pattern";
constexpr const char* format_keyword = "x-eenplan-format";

// Keywords whose value is a schema, an array of schemas or a map of name -> schema (draft-07).
bool holds_schema(const std::string& keyword) {
    static const char* const keywords[] = {"items",
                                           "additionalItems",
                                           "additionalProperties",
                                           "contains",
                                           "propertyNames",
                                           "if",
                                           "then",
                                           "else",
                                           "not",
                                           "allOf",
                                           "anyOf",
                                           "oneOf",
                                           "properties",
                                           "definitions",
                                           "$defs",
                                           "dependencies"};
    return std::any_of(std::begin(keywords), std::end(keywords), [&](const char* k) { return keyword == k; });
}
bool holds_schema_map(const std::string& keyword) {
    return keyword == "properties" || keyword == "definitions" || keyword == "$defs" || keyword == "dependencies";
}

void rewrite_schema(Poco::JSON::Object::Ptr schema);

void rewrite_value(const Poco::Dynamic::Var& value, bool is_map) {
    if (value.type() == typeid(Poco::JSON::Array::Ptr)) {
        for (const auto& item : *value.extract<Poco::JSON::Array::Ptr>()) rewrite_value(item, false);
    } else if (value.type() == typeid(Poco::JSON::Object::Ptr)) {
        const auto object = value.extract<Poco::JSON::Object::Ptr>();
        if (!is_map) return rewrite_schema(object);
        for (const auto& [name, member] : *object) rewrite_value(member, false);
    }
}

void rewrite_schema(Poco::JSON::Object::Ptr schema) {
    if (schema->has("patternProperties")) {
        throw std::runtime_error(
            "schema keyword patternProperties is not supported (it would match sender-controlled keys with a "
            "backtracking regex)");
    }
    if (schema->has("pattern")) {
        const auto pattern = schema->get("pattern");
        schema->remove("pattern");
        schema->set(pattern_keyword, pattern);
    }
    if (schema->has("format")) {
        const auto format = schema->get("format");
        schema->remove("format");
        schema->set(format_keyword, format);
    }
    for (const auto& [keyword, value] : *schema) {
        if (holds_schema(keyword)) rewrite_value(value, holds_schema_map(keyword));
    }
}

void report(valijson::ValidationResults* results, const std::vector<std::string>& context, const std::string& text) {
    if (results) results->pushError(context, text);
}

class PatternConstraint final : public valijson::constraints::PolyConstraint {
public:
    PatternConstraint(std::shared_ptr<const re2::RE2> regex, std::string source)
        : regex_(std::move(regex)), source_(std::move(source)) {}

    bool validate(const valijson::adapters::Adapter& target, const std::vector<std::string>& context,
                  valijson::ValidationResults* results) const override {
        if (!target.isString()) return true;
        if (re2::RE2::PartialMatch(target.asString(), *regex_)) return true;
        report(results, context, "does not match the pattern " + source_);
        return false;
    }

private:
    valijson::constraints::Constraint* cloneInto(void* memory) const override {
        return new (memory) PatternConstraint(*this);
    }
    size_t sizeOf() const override { return sizeof(PatternConstraint); }

    std::shared_ptr<const re2::RE2> regex_;
    std::string source_;
};

class FormatConstraint final : public valijson::constraints::PolyConstraint {
public:
    enum class Kind { date, time, date_time };
    explicit FormatConstraint(Kind kind) : kind_(kind) {}

    bool validate(const valijson::adapters::Adapter& target, const std::vector<std::string>& context,
                  valijson::ValidationResults* results) const override {
        if (!target.isString()) return true;
        const std::string text = target.asString();
        switch (kind_) {
            case Kind::date:
                if (date_time::parse_full_date(text)) return true;
                report(results, context, "must be a date (RFC 3339 full-date, YYYY-MM-DD)");
                return false;
            case Kind::time:
                if (date_time::is_full_time(text)) return true;
                report(results, context, "must be a time (RFC 3339 full-time)");
                return false;
            case Kind::date_time:
                if (date_time::is_date_time(text)) return true;
                report(results, context, "must be a date-time (RFC 3339)");
                return false;
        }
        return false;
    }

private:
    valijson::constraints::Constraint* cloneInto(void* memory) const override {
        return new (memory) FormatConstraint(*this);
    }
    size_t sizeOf() const override { return sizeof(FormatConstraint); }

    Kind kind_;
};

class PatternBuilder final : public valijson::ConstraintBuilder {
public:
    valijson::constraints::Constraint* make(const valijson::adapters::Adapter& value) const override {
        std::string source;
        if (!value.getString(source)) throw std::runtime_error("schema keyword pattern must be a string");
        re2::RE2::Options options;
        options.set_log_errors(false);
        auto regex = std::make_shared<const re2::RE2>(source, options);
        if (!regex->ok()) throw std::runtime_error("schema pattern " + source + " is not a valid RE2 expression");
        return new PatternConstraint(std::move(regex), source);
    }
};

class FormatBuilder final : public valijson::ConstraintBuilder {
public:
    valijson::constraints::Constraint* make(const valijson::adapters::Adapter& value) const override {
        std::string format;
        if (!value.getString(format)) throw std::runtime_error("schema keyword format must be a string");
        if (format == "date") return new FormatConstraint(FormatConstraint::Kind::date);
        if (format == "time") return new FormatConstraint(FormatConstraint::Kind::time);
        if (format == "date-time") return new FormatConstraint(FormatConstraint::Kind::date_time);
        throw std::runtime_error("schema format " + format + " is not supported");
    }
};

// valijson's minLength/maxLength count characters with a UTF-8 decoder that indexes a table by
// the lead byte unchecked: invalid UTF-8 reads out of bounds (found by config_fuzz). Documents
// that did not pass the bounds pre-pass (YAML configuration) are checked here first.
void invalid_utf8(const Poco::Dynamic::Var& node, const std::string& pointer, Problems& problems) {
    if (node.type() == typeid(Poco::JSON::Object::Ptr)) {
        for (const auto& [key, value] : *node.extract<Poco::JSON::Object::Ptr>()) {
            if (!json_bounds::is_utf8(key)) {
                problems.push_back({pointer, "has a member name that is not valid UTF-8"});
                continue;
            }
            invalid_utf8(value, pointer + "/" + key, problems);
        }
    } else if (node.type() == typeid(Poco::JSON::Array::Ptr)) {
        const auto array = node.extract<Poco::JSON::Array::Ptr>();
        for (std::size_t i = 0; i < array->size(); ++i) {
            invalid_utf8(array->get(static_cast<unsigned>(i)), pointer + "/" + std::to_string(i), problems);
        }
    } else if (node.isString() && !json_bounds::is_utf8(node.extract<std::string>())) {
        problems.push_back({pointer, "is not valid UTF-8"});
    }
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
    rewrite_value(document, false);
    valijson::SchemaParser schema_parser(valijson::SchemaParser::kDraft7);
    schema_parser.addConstraintBuilder(pattern_keyword, new PatternBuilder);
    schema_parser.addConstraintBuilder(format_keyword, new FormatBuilder);
    schema_parser.populateSchema(valijson::adapters::PocoJsonAdapter(document), impl_->schema);
}

JsonSchema::~JsonSchema() = default;
JsonSchema::JsonSchema(JsonSchema&&) noexcept = default;
JsonSchema& JsonSchema::operator=(JsonSchema&&) noexcept = default;

Problems JsonSchema::validate(const Poco::Dynamic::Var& document) const {
    Problems problems;
    invalid_utf8(document, "", problems);
    if (!problems.empty()) return problems;
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
