// The pupil and family records as the hub sees them, for the admin API: pseudonyms and ids only,
// never a number, a name or a signal's contents beyond its type, time and source.
#pragma once

#include <optional>
#include <string>

#include <Poco/JSON/Object.h>

#include "common/store_types.hpp"
#include "eenplan/core/sealed_text.hpp"

namespace eenplan::service {

class RecordViews {
public:
    // Reasons are opened with `sealer` (core/sealed_text.hpp).
    RecordViews(Database& database, const TextSealer& sealer) : database_(database), sealer_(sealer) {}

    // Null when there is no such pupil. A record merged into another is shown as that other one
    // (with "requested_id"), so an old link still leads to the pupil.
    Poco::JSON::Object::Ptr pupil(const std::string& pupil_id);
    // `on` ("YYYY-MM-DD") is the date of responsible_gemeentecode; `today` is the default.
    Poco::JSON::Object::Ptr family(const std::string& family_id, const std::string& on);
    // status: "open", "matched", "rejected" or "all".
    Poco::JSON::Object::Ptr reviews(const std::string& status);

private:
    Database& database_;
    const TextSealer& sealer_;
};

}  // namespace eenplan::service
