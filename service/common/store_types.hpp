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

// The key server (keys.keyserver) cannot convert right now; nothing was stored, the caller may
// retry later (ingest answers 503 with Retry-After).
class KeyServerUnavailable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// What of a failure may be logged. SOCI 4.0.3 appends the SQL statement and every bound value to
// its messages ("... while executing \"INSERT ...\" with :1=..."): pseudonyms, envelopes, CLKs.
// A SOCI error is therefore told by its category only; any other exception by its what().
std::string loggable_error(const std::exception& error);

// The ids of a stored signal: its own, and the correlation id it carries to delivery.
struct SignalIds {
    std::string signal_id;
    std::string correlation_id;
};

}  // namespace eenplan::service
