// The ingest path without the database: bounds pre-pass -> JSON parser -> signal schema -> the
// typed codec and its rules (consent signals: who must consent at which age).
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
    (void)eenplan::signal_json::from_request(*request);
    return 0;
}
