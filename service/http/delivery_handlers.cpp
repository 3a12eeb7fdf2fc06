#include "http/delivery_handlers.hpp"
#include "common/log_event.hpp"
#include "common/ids.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/Message.h>
#include "http/query.hpp"

#include "http/problem.hpp"
#include "outbox/delivery_services.hpp"

namespace eenplan::service {
namespace {

using Status = Poco::Net::HTTPResponse::HTTPStatus;

Poco::JSON::Object::Ptr delivery_json(const DeliveryView& d) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("delivery_id", d.delivery_id);
    o->set("task_id", d.task_id);
    o->set("recipient_id", d.recipient_id);
    o->set("connector", d.connector);
    o->set("state", d.state);
    o->set("attempts", d.attempts);
    if (d.state == "pending") o->set("next_attempt_at_us", static_cast<Poco::Int64>(d.next_attempt_at_us));
    if (d.last_status) o->set("last_status", *d.last_status);
    if (d.last_error) o->set("last_error", *d.last_error);
    if (d.external_reference) o->set("external_reference", *d.external_reference);
    o->set("correlation_id", d.correlation_id);
    o->set("created_at_us", static_cast<Poco::Int64>(d.created_at_us));
    o->set("updated_at_us", static_cast<Poco::Int64>(d.updated_at_us));
    if (d.changed_by) {
        Poco::JSON::Object::Ptr changed = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        changed->set("by", *d.changed_by);
        if (d.changed_at_us) changed->set("at_us", static_cast<Poco::Int64>(*d.changed_at_us));
        o->set("changed", changed);
    }
    return o;
}

// A reference typed by hand could carry a BSN; the routeboek's own references are not checked
// this way, since its ids (UUIDs) may hold such runs by chance.
bool has_long_digit_run(const std::string& text) {
    std::size_t run = 0;
    for (char c : text) {
        run = (c >= '0' && c <= '9') ? run + 1 : 0;
        if (run >= 8) return true;
    }
    return false;
}

DeliveryServices& services(ServiceContext& context) {
    if (context.delivery == nullptr) throw std::logic_error("delivery services are not wired");
    return *context.delivery;
}

void log_admin(ServiceContext& context, const char* event, const std::string& delivery_id, const std::string& task_id,
               const std::string& correlation_id) {
    LogFields fields;
    if (!delivery_id.empty()) fields.emplace_back("delivery_id", delivery_id);
    if (!task_id.empty()) fields.emplace_back("task_id", task_id);
    if (!correlation_id.empty()) fields.emplace_back("correlation_id", correlation_id);
    log_event(context.logger, Poco::Message::PRIO_NOTICE, "delivery", event, event, fields);
}

}  // namespace

void TaskCreateHandler::serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    const auto body = read_body(request, response, "api/task_request.schema.json");
    if (!body) return;
    delivery::TaskDraft draft;
    draft.type = body->getValue<std::string>("type");
    draft.recipient_id = body->getValue<std::string>("recipient");
    draft.pupil_pseudonym = body->getValue<std::string>("pupil");
    draft.due_date = body->getValue<std::string>("due_date");
    draft.reason = body->getValue<std::string>("reason");
    draft.reference = body->getValue<std::string>("reference");
    draft.correlation_id = new_uuid();
    if (has_long_digit_run(draft.reference)) {
        return send_problem(response, {Status::HTTP_UNPROCESSABLE_ENTITY,
                                       "invalid-task",
                                       "The task is not valid",
                                       "the task cannot be sent as it is",
                                       {Problem{"/reference",
                                                "must not hold a run of eight or more digits, the shape "
                                                "of a person number"}}});
    }
    DeliveryServices& delivery = services(context_);
    const auto task = delivery.outbox.create(context_.database, draft, actor_.subject, context_.clock->now_us());
    if (!task) {
        return send_problem(response, {Status::HTTP_UNPROCESSABLE_ENTITY, "invalid-task", "The task is not valid",
                                       "the task cannot be sent as it is", task.problems()});
    }
    delivery.dispatcher.wake();
    note_object(task->task_id);
    note_object(task->delivery_id);
    log_admin(context_, "task.created", task->delivery_id, task->task_id, draft.correlation_id);
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    out->set("task_id", task->task_id);
    out->set("delivery_id", task->delivery_id);
    out->set("correlation_id", draft.correlation_id);
    response.set("Location", "/v1/deliveries/" + task->delivery_id);
    send_json(response, out, Status::HTTP_CREATED);
}

void DeliveriesHandler::serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    const auto query = parse_query(request.getURI());
    if (!query) return send_problem(response, ProblemType::invalid_query, "the query cannot be read", query.problems());
    const std::string state = query->value("state", "all");
    if (state != "pending" && state != "delivered" && state != "dead" && state != "cancelled" && state != "blocked" &&
        state != "all") {
        return send_problem(response, ProblemType::invalid_query, "unknown delivery state",
                            {Problem{"/state", "must be pending, delivered, dead, blocked, cancelled or all"}});
    }
    const auto limit = whole_number(query->value("limit", "100"), 1, 1000);
    if (!limit) {
        return send_problem(response, ProblemType::invalid_query, "limit out of range",
                            {Problem{"/limit", "must be 1 to 1000"}});
    }
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const DeliveryView& d : services(context_).store.list(state, static_cast<int>(*limit)))
        list->add(delivery_json(d));
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    out->set("deliveries", list);
    send_json(response, out);
}

void DeliveryHandler::serve(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response) {
    OutboxStore& store = services(context_).store;
    const auto found = store.find(id_);
    if (!found) {
        return send_not_found(response, "no delivery with this id");
    }
    auto out = delivery_json(*found);
    Poco::JSON::Array::Ptr attempts = new Poco::JSON::Array;
    for (const AttemptView& a : store.attempts(id_)) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        o->set("attempt", a.attempt);
        o->set("started_at_us", static_cast<Poco::Int64>(a.started_at_us));
        o->set("latency_ms", static_cast<double>(a.latency_us) / 1000.0);
        o->set("status", a.status);
        o->set("outcome", a.outcome);
        if (a.error) o->set("error", *a.error);
        o->set("instance_id", a.instance_id);
        attempts->add(o);
    }
    out->set("attempt_log", attempts);
    send_json(response, out);
}

void DeliveryActionHandler::serve(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response) {
    DeliveryServices& delivery = services(context_);
    const std::int64_t now = context_.clock->now_us();
    const ChangeOutcome outcome = action_ == "retry" ? delivery.store.retry(id_, now, actor_.subject)
                                                     : delivery.store.cancel(id_, now, actor_.subject);
    if (outcome == ChangeOutcome::not_found) {
        return send_not_found(response, "no delivery with this id");
    }
    if (outcome == ChangeOutcome::conflict) {
        return send_problem(response, {Status::HTTP_CONFLICT,
                                       "delivery-conflict",
                                       "The delivery does not allow this",
                                       action_ == "retry" ? "only a pending, dead or blocked delivery can be retried"
                                                          : "a delivered task cannot be cancelled",
                                       {}});
    }
    if (action_ == "retry") delivery.dispatcher.wake();
    log_admin(context_, action_ == "retry" ? "delivery.retry_requested" : "delivery.cancelled", id_, "", "");
    send_json(response, delivery_json(*delivery.store.find(id_)));
}

}  // namespace eenplan::service
