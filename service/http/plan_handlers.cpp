#include "http/plan_handlers.hpp"
#include "common/log_event.hpp"

#include <chrono>

#include <Poco/JSON/Array.h>

#include "http/problem.hpp"
#include "http/service_context.hpp"
#include "plan_api/plan_api.hpp"

namespace eenplan::service {
namespace {

using namespace eenplan::routeboek;
using Poco::JSON::Array;
using Poco::JSON::Object;
using Status = Poco::Net::HTTPResponse::HTTPStatus;

}  // namespace

void PlanHandler::serve(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response) {
    if (!context_.plans) return send_not_found(response, "no routeboek is configured, so there are no plans");
    const auto plan = context_.plans->plan_view(id_);
    if (!plan) return send_not_found(response, "no plan for this family");
    send_json(response, plan);
}

void PlanOverrideHandler::serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    const auto body = read_body(request, response, "api/plan_override.schema.json");
    if (!body) return;
    if (!context_.plans) return send_not_found(response, "no routeboek is configured, so there are no plans");
    Override deviation;
    const std::string kind = body->getValue<std::string>("kind");
    deviation.kind = *parse_override_kind(kind);  // the schema admits only the three kinds
    deviation.table = body->optValue<std::string>("table", "");
    deviation.days = body->optValue<int>("days", 0);
    deviation.reason = body->getValue<std::string>("reason");
    deviation.by = actor_.subject;
    const auto result =
        context_.plans->apply_override(id_, deviation, context_.clock->today(), context_.clock->now_us());
    if (!result) {
        if (result.problems().front().pointer == "/") return send_not_found(response, "no plan for this family");
        return send_problem(response,
                            {Status::HTTP_UNPROCESSABLE_ENTITY, "override-refused", "The deviation cannot be applied",
                             result.problems().front().detail, result.problems()});
    }
    log_event(context_.logger, Poco::Message::PRIO_NOTICE, "plan", "plan.override", "plan override",
              {{"family_id", id_}, {"kind", kind}});
    Object::Ptr out = new Object;
    out->set("decisions", result.value());
    send_json(response, out, Status::HTTP_CREATED);
}

void ParkedHandler::serve(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response) {
    Object::Ptr out = new Object;
    Array::Ptr signals = new Array;
    Array::Ptr plans = new Array;
    if (context_.plans) {
        for (const ParkedItem& item : context_.plans->parked(500)) {
            Object::Ptr o = new Object;
            o->set(item.kind == ParkedKind::signal ? "signal_id" : "family_id", item.id);
            o->set("attempts", item.attempts);
            o->set("parked_at_us", static_cast<Poco::Int64>(item.parked_at_us));
            (item.kind == ParkedKind::signal ? signals : plans)->add(o);
        }
    }
    out->set("signals", signals);
    out->set("plans", plans);
    send_json(response, out);
}

void ParkedRetryHandler::serve(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response) {
    if (!context_.plans) return send_not_found(response, "no routeboek is configured, so there are no plans");
    Object::Ptr out = new Object;
    out->set("retried", context_.plans->retry_parked());
    send_json(response, out);
}

}  // namespace eenplan::service
