#include "plan/plan_views.hpp"

#include <set>

#include "plan/plan_codec.hpp"

namespace eenplan::service {
namespace {

using namespace eenplan::routeboek;
using Poco::JSON::Array;
using Poco::JSON::Object;

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
const Organisation* organisation_in(const Engine& engine, const std::string& id) {
    for (const Routeboek* book : engine.routeboeken()) {
        if (const Organisation* org = book->organisation(id)) return org;
    }
    return nullptr;
}

Object::Ptr view_of_plan(const PlanState& plan, const Engine& engine) {
    // The family's routeboek: the one its escalation (or its first pupil) follows; each pupil's
    // own is listed with the pupil.
    const PupilInPlan* lead = plan.pupil(plan.escalated_pupil);
    if (!lead && !plan.pupils.empty()) lead = &plan.pupils.front();
    const Routeboek& rb = lead ? engine.routeboek_for(*lead, plan.woongemeente) : engine.routeboek();
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
        j->set("sector", engine.sector_of(p));
        j->set("routeboek", engine.routeboek_for(p, plan.woongemeente).id);
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
        if (const Organisation* org = organisation_in(engine, id)) j->set("name", org->name);
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

Poco::JSON::Object::Ptr PlanViews::plan_view(const std::string& family_id) {
    const auto plan = plans_.plan(family_id);
    if (!plan) return nullptr;
    return view_of_plan(*plan, plans_.engine());
}

Result<Poco::JSON::Array::Ptr> PlanViews::apply_override(const std::string& family_id, const Override& deviation,
                                                         Day today, std::int64_t now_us) {
    const auto result = plans_.override_plan(family_id, deviation, today, now_us);
    if (!result) return result.problems();
    Array::Ptr decisions = new Array;
    for (const Decision& d : result.value()) decisions->add(decision_view(d));
    return decisions;
}

}  // namespace eenplan::service
