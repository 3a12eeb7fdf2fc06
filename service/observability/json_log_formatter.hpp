// One JSON object per log line: time, level, logger, message and the structured fields below.
// Only fields on this allowlist are ever written, so a log line cannot carry personal data in a
// field nobody reviewed. Fields that can hold outside input (the message, a source id from the
// URL, an error text) also pass through redact_person_numbers; identifiers the service made
// itself (UUIDs, which may hold runs of digits) and numbers are written as they are.
#pragma once

#include <Poco/Formatter.h>

namespace eenplan::service {

struct LogField {
    const char* name;
    bool outside_input;  // redacted, since a sender or a library may have put anything in it
};

// Structured fields a log message may carry (Poco::Message::set).
inline constexpr LogField log_fields[] = {{"event", false},
                                          {"correlation_id", false},
                                          {"signal_id", false},
                                          {"source_id", true},
                                          {"signal_type", false},
                                          {"route", false},
                                          {"method", false},
                                          {"status", false},
                                          {"duration_ms", false},
                                          {"outcome", false},
                                          {"port", false},
                                          {"version", false},
                                          {"count", false},
                                          {"error", true},
                                          {"delivery_id", false},
                                          {"task_id", false},
                                          {"recipient_id", false},
                                          {"attempt", false},
                                          {"latency_ms", false},
                                          {"family_id", false},
                                          {"rule", false},
                                          {"kind", false},
                                          {"notification_id", false},
                                          // A reconciliation part's proof (counts and the list's digest).
                                          {"gemeentecode", false},
                                          {"part", false},
                                          {"without_enrolment", false},
                                          {"digest", false},
                                          // The key server's counts: the client and the domain asked for.
                                          {"client_id", false},
                                          {"domain", true}};

class JsonLogFormatter : public Poco::Formatter {
public:
    void format(const Poco::Message& message, std::string& text) override;
};

}  // namespace eenplan::service
