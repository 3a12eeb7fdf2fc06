// One JSON object per log line: time, level, logger, message and the structured fields below.
// Only fields on this allowlist are ever written, so a log line cannot carry personal data in a
// field nobody reviewed; the message text passes through redact_person_numbers as well.
#pragma once

#include <Poco/Formatter.h>

namespace eenplan::service {

// Structured fields a log message may carry (Poco::Message::set).
inline constexpr const char* log_fields[] = {
    "event", "correlation_id", "signal_id", "source_id", "signal_type", "route", "method",
    "status", "duration_ms", "outcome", "port", "version", "count", "error"};

class JsonLogFormatter : public Poco::Formatter {
public:
    void format(const Poco::Message& message, std::string& text) override;
};

}  // namespace eenplan::service
