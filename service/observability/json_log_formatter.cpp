#include "observability/json_log_formatter.hpp"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Object.h>
#include <Poco/Message.h>
#include <sstream>

#include "eenplan/core/redaction.hpp"

namespace eenplan::service {
namespace {

const char* level_name(Poco::Message::Priority priority) {
    switch (priority) {
        case Poco::Message::PRIO_FATAL: return "fatal";
        case Poco::Message::PRIO_CRITICAL: return "critical";
        case Poco::Message::PRIO_ERROR: return "error";
        case Poco::Message::PRIO_WARNING: return "warning";
        case Poco::Message::PRIO_NOTICE: return "notice";
        case Poco::Message::PRIO_INFORMATION: return "info";
        case Poco::Message::PRIO_DEBUG: return "debug";
        case Poco::Message::PRIO_TRACE: return "trace";
    }
    return "info";
}

}  // namespace

void JsonLogFormatter::format(const Poco::Message& message, std::string& text) {
    Poco::JSON::Object line(Poco::JSON_PRESERVE_KEY_ORDER);
    line.set("ts", Poco::DateTimeFormatter::format(message.getTime(), "%Y-%m-%dT%H:%M:%S.%iZ"));
    line.set("level", level_name(message.getPriority()));
    line.set("logger", message.getSource());
    line.set("msg", redact_person_numbers(message.getText()));
    for (const LogField& field : log_fields) {
        if (!message.has(field.name)) continue;
        const std::string& value = message.get(field.name);
        line.set(field.name, field.outside_input ? redact_person_numbers(value) : value);
    }
    std::ostringstream out;
    line.stringify(out);
    text = out.str();
}

}  // namespace eenplan::service
