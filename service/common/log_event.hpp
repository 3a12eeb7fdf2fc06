// One structured log line: an event name, a short text and named fields, written through the
// JSON log formatter (observability/json_log_formatter.hpp). Fields hold ids, routes and counts,
// never personal data.
#pragma once

#include <initializer_list>
#include <string>
#include <utility>

#include <Poco/Logger.h>
#include <Poco/Message.h>

namespace eenplan::service {

using LogField = std::pair<const char*, std::string>;

void log_event(Poco::Logger& logger, Poco::Message::Priority priority, const char* source, const char* event,
               const std::string& text, std::initializer_list<LogField> fields = {});

}  // namespace eenplan::service
