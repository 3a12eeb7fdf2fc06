#include "outbound/task_json.hpp"

#include <sstream>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

namespace eenplan::integration {

std::string task_to_json(const delivery::SharedTask& task) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("type", task.type);
    o.set("task_id", task.task_id);
    o.set("subject", task.subject);
    o.set("due_date", task.due_date);
    o.set("reference", task.reference);
    o.set("correlation_id", task.correlation_id);
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

Result<delivery::SharedTask> task_from_json(const std::string& json) {
    try {
        const auto o = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
        return delivery::SharedTask{o->getValue<std::string>("type"),     o->getValue<std::string>("task_id"),
                                    o->getValue<std::string>("subject"),  o->getValue<std::string>("due_date"),
                                    o->getValue<std::string>("reference"), o->optValue<std::string>("correlation_id", "")};
    } catch (const Poco::Exception&) {
        return Problem{"", "is not a task"};
    }
}

}  // namespace eenplan::integration
