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
    // A notification's facts, each only when it has one (tasks without facts keep their shape).
    if (!task.facts.school_brin.empty()) o.set("school_brin", task.facts.school_brin);
    if (!task.facts.date.empty()) o.set("date", task.facts.date);
    if (!task.facts.reason_code.empty()) o.set("reason_code", task.facts.reason_code);
    if (!task.facts.woongemeente.empty()) o.set("woongemeente", task.facts.woongemeente);
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

Result<delivery::SharedTask> task_from_json(const std::string& json) {
    try {
        const auto o = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
        return delivery::SharedTask{
            o->getValue<std::string>("type"),
            o->getValue<std::string>("task_id"),
            o->getValue<std::string>("subject"),
            o->getValue<std::string>("due_date"),
            o->getValue<std::string>("reference"),
            o->optValue<std::string>("correlation_id", ""),
            delivery::TaskFacts{o->optValue<std::string>("school_brin", ""), o->optValue<std::string>("date", ""),
                                o->optValue<std::string>("reason_code", ""),
                                o->optValue<std::string>("woongemeente", "")}};
    } catch (const Poco::Exception&) {
        return Problem{"", "is not a task"};
    }
}

}  // namespace eenplan::integration
