// Reading the columns of a soci::row the same way on both stores: an integer column comes back as
// int, long long or (SQLite, for an expression) double or text depending on the backend and the
// declared type; a NULL text column as an absent value.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <soci/soci.h>

namespace eenplan::service {

long long integer_at(const soci::row& row, std::size_t i);
std::optional<std::string> optional_text(const soci::row& row, std::size_t i);

}  // namespace eenplan::service
