// The query string of a request, read once and without throwing. Poco::URI decodes parameters
// lazily and throws on a bad percent-escape ("?limit=%zz"), which reached the client as a 500;
// here it is a problem the handler answers with 400 invalid-query.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "eenplan/core/result.hpp"

namespace eenplan::service {

class Query {
public:
    using Parameters = std::vector<std::pair<std::string, std::string>>;
    explicit Query(Parameters parameters) : parameters_(std::move(parameters)) {}

    // The first value of `name`, decoded, or `fallback` when absent.
    [[nodiscard]] std::string value(std::string_view name, std::string fallback) const;
    [[nodiscard]] const Parameters& parameters() const { return parameters_; }

private:
    Parameters parameters_;
};

// The parameters of `uri` (a request target: path, then "?" and the query), percent-decoded.
Result<Query> parse_query(const std::string& uri);

// `text` as a whole number in [low, high]: digits only, nothing around them.
std::optional<long long> whole_number(std::string_view text, long long low, long long high);

}  // namespace eenplan::service
