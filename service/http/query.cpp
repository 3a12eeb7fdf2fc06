#include "http/query.hpp"

#include <charconv>

#include <Poco/Exception.h>
#include <Poco/URI.h>

namespace eenplan::service {

std::string Query::value(std::string_view name, std::string fallback) const {
    for (const auto& [key, value] : parameters_) {
        if (key == name) return value;
    }
    return fallback;
}

Result<Query> parse_query(const std::string& uri) {
    try {
        return Query(Poco::URI(uri).getQueryParameters());
    } catch (const Poco::Exception&) {
        return Problem{"", "the query is not well-formed: a % must be followed by two hexadecimal digits"};
    }
}

std::optional<long long> whole_number(std::string_view text, long long low, long long high) {
    long long value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value < low || value > high) return std::nullopt;
    return value;
}

}  // namespace eenplan::service
