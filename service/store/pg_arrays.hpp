// PostgreSQL array literals for one bound parameter that carries a whole batch: the statement
// casts it (CAST(:ids AS text[])) and unnest() or = ANY() turns it back into rows, so a batch
// costs one round trip where SOCI's bulk binding would execute once per row.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace eenplan::service {

// Every element quoted, '"' and '\\' escaped; nullopt is NULL.
inline std::string pg_text_array(const std::vector<std::optional<std::string>>& values) {
    std::string out = "{";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) out += ',';
        if (!values[i]) {
            out += "NULL";
            continue;
        }
        out += '"';
        for (char c : *values[i]) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    return out + "}";
}

inline std::string pg_text_array(const std::vector<std::string>& values) {
    return pg_text_array(std::vector<std::optional<std::string>>(values.begin(), values.end()));
}

template <typename Number>
std::string pg_number_array(const std::vector<Number>& values) {
    std::string out = "{";
    for (std::size_t i = 0; i < values.size(); ++i) out += (i > 0 ? "," : "") + std::to_string(values[i]);
    return out + "}";
}

}  // namespace eenplan::service
