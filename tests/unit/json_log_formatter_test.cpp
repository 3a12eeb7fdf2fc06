// JSON log lines: allow-listed fields only, outside input redacted, the service's own ids intact.
#include <catch2/catch.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Message.h>

#include "observability/json_log_formatter.hpp"

using eenplan::service::JsonLogFormatter;

namespace {
Poco::JSON::Object::Ptr format(const Poco::Message& message) {
    JsonLogFormatter formatter;
    std::string line;
    formatter.format(message, line);
    return Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>();
}
}  // namespace

SCENARIO("log lines carry the allow-listed fields and no person numbers", "[ingest]") {
    Poco::Message message("ingest", "rejected signal for 111222333", Poco::Message::PRIO_NOTICE);
    message.set("event", "signal.rejected");
    message.set("signal_id", "12345678-1234-4123-8123-123456789012");  // a UUID with long digit runs
    message.set("source_id", "school-111222333");
    message.set("error", "value 123456782 refused");
    message.set("bsn", "111222333");  // not on the allowlist
    const auto line = format(message);

    CHECK(line->getValue<std::string>("level") == "notice");
    CHECK(line->getValue<std::string>("logger") == "ingest");
    CHECK(line->getValue<std::string>("msg") == "rejected signal for [redacted]");
    CHECK(line->getValue<std::string>("signal_id") == "12345678-1234-4123-8123-123456789012");
    CHECK(line->getValue<std::string>("source_id") == "school-[redacted]");
    CHECK(line->getValue<std::string>("error") == "value [redacted] refused");
    CHECK_FALSE(line->has("bsn"));
    CHECK(line->getValue<std::string>("ts").ends_with("Z"));
}
