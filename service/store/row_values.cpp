#include "store/row_values.hpp"

namespace eenplan::service {

long long integer_at(const soci::row& row, std::size_t i) {
    switch (row.get_properties(i).get_data_type()) {
        case soci::dt_integer: return row.get<int>(i);
        case soci::dt_long_long: return row.get<long long>(i);
        case soci::dt_unsigned_long_long: return static_cast<long long>(row.get<unsigned long long>(i));
        case soci::dt_double: return static_cast<long long>(row.get<double>(i));
        default: return std::stoll(row.get<std::string>(i));
    }
}

std::optional<std::string> optional_text(const soci::row& row, std::size_t i) {
    if (row.get_indicator(i) == soci::i_null) return std::nullopt;
    return row.get<std::string>(i);
}

}  // namespace eenplan::service
