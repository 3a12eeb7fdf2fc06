// The one JSON codec of the typed Signal (eenplan/core/signal.hpp): a schema-valid request
// (schemas/signals/signal.schema.json) becomes a Signal at the edge, the pipeline stores the
// envelope this codec writes, and the plan worker reads it back with the same codec. Every field
// name of every signal type is written once, in signal_json.cpp.
#pragma once

#include <string>
#include <string_view>

#include <Poco/JSON/Object.h>

#include "eenplan/core/result.hpp"
#include "eenplan/core/signal.hpp"

namespace eenplan::signal_json {

// A request that passed the schema -> the typed signal, with the rules the schema cannot express
// (eenplan::check). The subject is not read: the pipeline pseudonymises it separately.
Result<Signal> from_request(const Poco::JSON::Object& request);

// The stored envelope {"type", "occurred_at", "school"?, "data"}: no subject, a household's
// members as their count.
Poco::JSON::Object::Ptr to_envelope(const Signal& signal);
std::string to_envelope_text(const Signal& signal);

// A stored envelope (as to_envelope_text wrote it) -> the typed signal.
Result<Signal> from_envelope(std::string_view text);
Result<Signal> from_envelope(const Poco::JSON::Object& envelope);

}  // namespace eenplan::signal_json
