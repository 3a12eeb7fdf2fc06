#include "http/plan_handlers.hpp"
#include "common/log_event.hpp"

#include <chrono>
#include <set>

#include <Poco/JSON/Array.h>

#include "http/problem.hpp"
#include "http/service_context.hpp"
#include "plan/plan_codec.hpp"
#include "plan/plan_keeper.hpp"

namespace eenplan::service {
namespace {

using namespace eenplan::routeboek;
using Poco::JSON::Array;
using Poco::JSON::Object;
using Status = Poco::Net::HTTPResponse::HTTPStatus;

Object::Ptr decision_view(const Decision& d) {
    Object::Ptr o = new Object;
    o->set("kind", std::string(to_string(d.kind)));
    o->set("rule", d.rule);
    o->set("reason", d.reason);
    if (!d.table.empty()) o->set("table", d.table);
    if (d.task) o->set("task", task_json(*d.task));
    return o;
}

// The plan as a professional reads it: who owns it (the school, through the MDO), where it
// stands, what is to be done by whom and when, who takes part, and everything that happened.
Object::Ptr plan_view(const PlanState& plan, const Routeboek& rb) {
    Object::Ptr o = new Object;
    o->set("family_id", plan.family_id);
    o->set("routeboek", rb.id);
    o->set("woongemeente", plan.woongemeente);
    Array::Ptr pupils = new Array;
    std::set<std::string> organisations;
    for (const PupilInPlan& p : plan.pupils) {
        Object::Ptr j = new Object;
        j->set("pupil_id", p.pupil);
        j->set("school", p.school_brin);
        j->set("school_gemeentecode", p.school_gemeentecode);
        pupils->add(j);
        if (!p.school_brin.empty()) organisations.insert("school:" + p.school_brin);
    }
    o->set("pupils", pupils);
    const PupilInPlan* owner = plan.pupil(plan.escalated_pupil);
    if (!owner && !plan.pupils.empty()) owner = &plan.pupils.front();
    o->set("owner", owner && !owner->school_brin.empty() ? Poco::Dynamic::Var("school:" + owner->school_brin)
                                                          : Poco::Dynamic::Var());
    Object::Ptr escalation = new Object;
    escalation->set("stage", plan.escalated_since ? (plan.table.empty() ? "mdo" : "table") : "none");
    if (plan.escalated_since) escalation->set("since", format_day(*plan.escalated_since));
    if (plan.first_worrying) escalation->set("first_worrying_absence", format_day(*plan.first_worrying));
    if (!plan.table.empty()) {
        escalation->set("table", plan.table);
        if (const Table* table = rb.table(plan.table)) {
            escalation->set("table_name", table->name);
            const auto members = table->members.find(plan.woongemeente);
            if (members != table->members.end()) {
                Array::Ptr list = new Array;
                for (const std::string& m : members->second) {
                    list->add(m);
                    if (rb.organisation(m)) organisations.insert(m);
                }
                escalation->set("members", list);
            }
        }
    }
    if (!plan.casusregisseur.empty()) escalation->set("casusregisseur", plan.casusregisseur);
    o->set("escalation", escalation);
    Array::Ptr goals = new Array;
    for (const std::string& g : plan.goals) goals->add(g);
    o->set("goals", goals);
    Array::Ptr actions = new Array;
    for (const Task& t : plan.open_tasks) {
        actions->add(task_json(t));
        organisations.insert(t.recipient);
    }
    o->set("actions", actions);
    Array::Ptr participants = new Array;
    for (const std::string& id : organisations) {
        Object::Ptr j = new Object;
        j->set("id", id);
        if (const Organisation* org = rb.organisation(id)) j->set("name", org->name);
        participants->add(j);
    }
    o->set("participants", participants);
    Array::Ptr overrides = new Array;
    for (const Override& v : plan.overrides) overrides->add(override_json(v));
    o->set("overrides", overrides);
    Array::Ptr timeline = new Array;
    for (const TimelineEntry& e : plan.timeline) timeline->add(timeline_entry_json(e));
    o->set("timeline", timeline);
    return o;
}

}  // namespace

void PlanHandler::serve(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response) {
    if (!context_.plans) return send_not_found(response, "no routeboek is configured, so there are no plans");
    const auto plan = context_.plans->plan(id_);
    if (!plan) return send_not_found(response, "no plan for this family");
    send_json(response, plan_view(*plan, context_.plans->engine().routeboek()));
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
    const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
    const auto result = context_.plans->override_plan(id_, deviation, today_utc(), now_us);
    if (!result) {
        if (result.problems().front().pointer == "/") return send_not_found(response, "no plan for this family");
        return send_problem(response, {Status::HTTP_UNPROCESSABLE_ENTITY, "override-refused",
                                       "The deviation cannot be applied", result.problems().front().detail,
                                       result.problems()});
    }
    log_event(context_.logger, Poco::Message::PRIO_NOTICE, "plan", "plan.override", "plan override",
              {{"family_id", id_}, {"kind", kind}});
    Object::Ptr out = new Object;
    Array::Ptr decisions = new Array;
    for (const Decision& d : result.value()) decisions->add(decision_view(d));
    out->set("decisions", decisions);
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
