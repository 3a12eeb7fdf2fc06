// What the other rooms may know of the store without seeing it: the handle they pass on, the
// session a store-opened transaction lends them, the ids of a stored signal and the one error they
// may catch. Only store/ and app/ include store/*.hpp; the build enforces it (service/CMakeLists.txt).
#pragma once

#include <stdexcept>
#include <string>

namespace soci {
class session;
}  // namespace soci

namespace eenplan::service {

class Database;  // store/database.hpp

// The database cannot be reached or is too busy right now; the caller may retry later.
class StoreUnavailable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The ids of a stored signal: its own, and the correlation id it carries to delivery.
struct SignalIds {
    std::string signal_id;
    std::string correlation_id;
};

}  // namespace eenplan::service
