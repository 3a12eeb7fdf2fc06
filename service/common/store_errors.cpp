// What of a failure may be logged: SOCI errors by their category only (common/store_types.hpp).
#include <soci/soci-backend.h>

#include "common/store_types.hpp"

namespace eenplan::service {

std::string loggable_error(const std::exception& error) {
    const auto* soci_error = dynamic_cast<const soci::soci_error*>(&error);
    if (soci_error == nullptr) return error.what();
    switch (soci_error->get_error_category()) {
        case soci::soci_error::connection_error: return "database error: connection";
        case soci::soci_error::invalid_statement: return "database error: invalid statement";
        case soci::soci_error::no_privilege: return "database error: no privilege";
        case soci::soci_error::no_data: return "database error: no data";
        case soci::soci_error::constraint_violation: return "database error: constraint violation";
        case soci::soci_error::unknown_transaction_state: return "database error: unknown transaction state";
        case soci::soci_error::system_error: return "database error: system error";
        case soci::soci_error::unknown: break;
    }
    return "database error";
}

}  // namespace eenplan::service
