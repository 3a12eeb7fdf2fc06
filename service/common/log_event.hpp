// One structured log line: an event name, a short text and named fields, written through the
// JSON log formatter (observability/json_log_formatter.hpp). Every log line of the service goes
// through here, so each carries "event" and only fields a caller named. Fields hold ids, routes
// and counts, never personal data.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <Poco/Logger.h>
#include <Poco/Message.h>

namespace eenplan::service {

// Named fields of one line (name, value); the names the JSON formatter lets through are listed in
// observability/json_log_formatter.hpp.
using LogFields = std::vector<std::pair<const char*, std::string>>;

// `source` is the room ("ingest", "plan", "delivery", …); `event` a dotted name ("signal.stored").
void log_event(Poco::Logger& logger, Poco::Message::Priority priority, const char* source, const char* event,
               const std::string& text, const LogFields& fields = {});

}  // namespace eenplan::service
