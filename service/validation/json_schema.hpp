// JSON Schema (draft-07) validation through valijson, for signals and, after yaml_to_json, for
// configuration files. Every failing location is reported as a JSON Pointer.
#pragma once

#include <memory>
#include <string_view>

#include <Poco/Dynamic/Var.h>

#include "eenplan/core/result.hpp"

namespace eenplan::service {

class JsonSchema {
public:
    // Parses a schema document; throws std::runtime_error when the schema itself is invalid,
    // which is a programmer error (schemas are compiled into the binary).
    explicit JsonSchema(std::string_view schema_json);
    ~JsonSchema();
    JsonSchema(JsonSchema&&) noexcept;
    JsonSchema& operator=(JsonSchema&&) noexcept;

    [[nodiscard]] Problems validate(const Poco::Dynamic::Var& document) const;

    // An embedded schema by its path under schemas/, e.g. "signals/signal.schema.json".
    static const JsonSchema& embedded(std::string_view path);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace eenplan::service
