// Agreements, consents and processing activities between their JSON documents (validated against
// schemas/privacy/*.schema.json before they get here) and the core's values.
#pragma once

#include <string>

#include <Poco/JSON/Object.h>

#include "eenplan/core/policy/agreement.hpp"
#include "eenplan/core/result.hpp"

namespace eenplan::service {

// A schema-valid agreement document (with "version" and "revoked" when stored) as a value.
policy::Agreement agreement_from_json(const Poco::JSON::Object::Ptr& document);
// A schema-valid consent document; `id` and `withdrawn_at_us` come from the store.
policy::Consent consent_from_json(const std::string& id, const Poco::JSON::Object::Ptr& document);

// Checks beyond the schema: dates in order, a special category only with its explicit basis.
Problems check_agreement(const Poco::JSON::Object::Ptr& document);
Problems check_consent(const Poco::JSON::Object::Ptr& document);

Poco::JSON::Object::Ptr parse_object(const std::string& json);
std::string to_text(const Poco::JSON::Object::Ptr& object);

}  // namespace eenplan::service
