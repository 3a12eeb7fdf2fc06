// Reading who a signal is about: the identifiers of a subject or household member (each number
// checked with the 11-proef, each polymorphic ciphertext checked to lie on the curve) and the
// optional linkage attributes. Problems point into the signal and never repeat a value.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <Poco/JSON/Object.h>

#include "eenplan/core/linkage/attributes.hpp"
#include "identity/hub_pseudonymiser.hpp"

namespace eenplan::service {

// Every identifier the object holds (bsn, onderwijsnummer, polymorphic), in that order.
Result<std::vector<Subject>> read_identities(const Poco::JSON::Object& subject, const std::string& pointer);

// The schema-checked attributes, if sent. The caller wipes them once encoded.
std::optional<linkage::LinkageAttributes> read_attributes(const Poco::JSON::Object& subject);

// Overwrites the attributes' text before it is freed, so no copy outlives the encoding.
void wipe(linkage::LinkageAttributes& attributes);

}  // namespace eenplan::service
