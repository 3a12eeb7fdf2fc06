// The ingest path without the database: bounds pre-pass -> JSON parser -> signal schema -> the
// typed signal (signal_json::from_request, over the field lists of eenplan/core/signal_fields.hpp
// that the Node addon reads by as well) and its rules (consent signals: who must consent at which
// age). A signal that reads must come back unchanged from the envelope the pipeline stores
// (to_envelope_text -> from_envelope).
#include <cstdlib>

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>

#include "codec/signal_json.hpp"
#include "eenplan/core/json_bounds.hpp"
#include "fuzz_input.hpp"
#include "validation/json_schema.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto& schema = eenplan::service::JsonSchema::embedded("signals/signal.schema.json");
    const std::string body = eenplan::fuzz::text(data, size);
    if (eenplan::json_bounds::check(body)) return 0;
    Poco::Dynamic::Var document;
    try {
        document = Poco::JSON::Parser().parse(body);
    } catch (const Poco::Exception&) {
        return 0;
    }
    if (!schema.validate(document).empty()) return 0;
    const auto request = document.extract<Poco::JSON::Object::Ptr>();
    auto signal = eenplan::signal_json::from_request(*request);
    if (!signal) return 0;
    auto stored = eenplan::signal_json::from_envelope(eenplan::signal_json::to_envelope_text(signal.value()));
    if (!stored || !(stored.value() == signal.value())) std::abort();
    return 0;
}
