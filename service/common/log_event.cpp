#include "common/log_event.hpp"

namespace eenplan::service {

void log_event(Poco::Logger& logger, Poco::Message::Priority priority, const char* source, const char* event,
               const std::string& text, const LogFields& fields) {
    if (!logger.is(priority)) return;
    Poco::Message message(source, text, priority);
    message.set("event", event);
    for (const auto& [name, value] : fields) message.set(name, value);
    logger.log(message);
}

}  // namespace eenplan::service
