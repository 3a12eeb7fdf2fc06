#include "plan/plan_codec.hpp"

#include "plan/json_fields.hpp"

#include <sstream>

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

namespace eenplan::service {
namespace {

using namespace eenplan::routeboek;
using Poco::JSON::Array;
using Poco::JSON::Object;

std::string day(const std::optional<Day>& d) { return d ? format_day(*d) : std::string(); }

const auto day_of = json_fields::day;
const auto str = json_fields::text;

template <typename T, typename Fn>
Array::Ptr array_of(const std::vector<T>& items, Fn&& fn) {
    Array::Ptr out = new Array;
    for (const T& item : items) out->add(fn(item));
    return out;
}

// Each object in the array `key`; a missing member, or one that is not an array of objects, is a
// decoding error (thrown as Poco::DataException and answered by decode_plan).
template <typename Fn>
void each(const Object::Ptr& o, const char* key, Fn&& fn) {
    if (!o->has(key)) return;
    const Array::Ptr items = o->getArray(key);
    if (items.isNull()) throw Poco::DataException("not an array");
    for (std::size_t i = 0; i < items->size(); ++i) {
        const Object::Ptr item = items->getObject(static_cast<unsigned>(i));
        if (item.isNull()) throw Poco::DataException("not an object");
        fn(item);
    }
}

PlanState decode_plan_object(const Object::Ptr& o);

}  // namespace

Object::Ptr task_json(const Task& t) {
    Object::Ptr o = new Object;
    o->set("id", t.id);
    o->set("type", t.type);
    o->set("title", t.title);
    o->set("recipient", t.recipient);
    o->set("pupil", t.pupil);
    if (!t.table.empty()) o->set("table", t.table);
    o->set("rule", t.rule);
    o->set("created", format_day(t.created));
    o->set("due", format_day(t.due));
    o->set("reminded", t.reminded);
    if (!t.facts.empty()) {
        Object::Ptr facts = new Object;
        if (!t.facts.school_brin.empty()) facts->set("school_brin", t.facts.school_brin);
        if (!t.facts.date.empty()) facts->set("date", t.facts.date);
        if (!t.facts.reason_code.empty()) facts->set("reason_code", t.facts.reason_code);
        if (!t.facts.woongemeente.empty()) facts->set("woongemeente", t.facts.woongemeente);
        o->set("facts", facts);
    }
    return o;
}

Object::Ptr override_json(const Override& v) {
    Object::Ptr o = new Object;
    o->set("kind", std::string(to_string(v.kind)));
    if (!v.table.empty()) o->set("table", v.table);
    if (v.days) o->set("days", v.days);
    o->set("reason", v.reason);
    o->set("by", v.by);
    o->set("at", format_day(v.at));
    o->set("used", v.used);
    return o;
}

Object::Ptr timeline_entry_json(const TimelineEntry& e) {
    Object::Ptr o = new Object;
    o->set("at", format_day(e.at));
    o->set("kind", e.kind);
    o->set("rule", e.rule);
    o->set("reason", e.reason);
    if (!e.ref.empty()) o->set("ref", e.ref);
    return o;
}

std::string encode_plan(const PlanState& plan) {
    Object::Ptr o = new Object;
    o->set("family_id", plan.family_id);
    o->set("woongemeente", plan.woongemeente);
    o->set("residences", array_of(plan.residences, [](const Residence& r) {
               Object::Ptr j = new Object;
               j->set("from", format_day(r.from));
               j->set("gemeentecode", r.gemeentecode);
               return j;
           }));
    o->set("pupils", array_of(plan.pupils, [](const PupilInPlan& p) {
               Object::Ptr j = new Object;
               j->set("pupil", p.pupil);
               j->set("school_brin", p.school_brin);
               j->set("school_gemeentecode", p.school_gemeentecode);
               if (p.birth_year) j->set("birth_year", *p.birth_year);
               if (!p.sector.empty()) j->set("sector", p.sector);
               return j;
           }));
    o->set("absences", array_of(plan.absences, [](const AbsencePeriod& a) {
               Object::Ptr j = new Object;
               j->set("pupil", a.pupil);
               j->set("from", format_day(a.from));
               if (a.to) j->set("to", format_day(*a.to));
               j->set("kind", a.kind);
               j->set("hours", a.hours);
               return j;
           }));
    o->set("partial", array_of(plan.partial, [](const PartialAttendance& p) {
               Object::Ptr j = new Object;
               j->set("pupil", p.pupil);
               j->set("from", format_day(p.from));
               if (p.to) j->set("to", format_day(*p.to));
               j->set("approaches", p.approaches);
               return j;
           }));
    if (plan.escalated_since) o->set("escalated_since", day(plan.escalated_since));
    if (plan.first_worrying) o->set("first_worrying", day(plan.first_worrying));
    o->set("escalated_pupil", plan.escalated_pupil);
    o->set("ladder_position", plan.ladder_position);
    o->set("table", plan.table);
    o->set("casusregisseur", plan.casusregisseur);
    o->set("youthcare_active", plan.youthcare_active);
    o->set("goals", array_of(plan.goals, [](const std::string& g) { return g; }));
    o->set("fired", array_of(plan.fired, [](const std::string& f) { return f; }));
    o->set("open_tasks", array_of(plan.open_tasks, task_json));
    o->set("overrides", array_of(plan.overrides, override_json));
    o->set("timeline", array_of(plan.timeline, timeline_entry_json));
    o->set("enrolments", array_of(plan.enrolments, [](const Enrolment& e) {
               Object::Ptr j = new Object;
               j->set("pupil", e.pupil);
               j->set("brin", e.brin);
               j->set("gemeentecode", e.gemeentecode);
               if (e.start) j->set("start", format_day(*e.start));
               if (e.end) j->set("end", format_day(*e.end));
               if (!e.sector.empty()) j->set("sector", e.sector);
               if (!e.end_reason.empty()) j->set("end_reason", e.end_reason);
               return j;
           }));
    o->set("school_gaps", array_of(plan.school_gaps, [](const SchoolGap& g) {
               Object::Ptr j = new Object;
               j->set("pupil", g.pupil);
               j->set("brin", g.brin);
               j->set("gemeentecode", g.gemeentecode);
               j->set("ended", format_day(g.ended));
               j->set("reason", g.reason);
               j->set("until", format_day(g.until));
               j->set("raised", g.raised);
               return j;
           }));
    o->set("next_task", plan.next_task);
    if (plan.evaluated_until) o->set("evaluated_until", day(plan.evaluated_until));
    std::ostringstream out;
    o->stringify(out);
    return out.str();
}

Result<PlanState> decode_plan(const std::string& json) {
    Object::Ptr o;
    try {
        Poco::JSON::Parser parser;
        o = parser.parse(json).extract<Object::Ptr>();
    } catch (const Poco::Exception&) {
        return Problem{"", "the stored plan is not valid JSON"};
    }
    try {
        return decode_plan_object(o);
    } catch (const Poco::Exception&) {
        return Problem{"", "the stored plan does not have the shape of a plan"};
    }
}

namespace {

PlanState decode_plan_object(const Object::Ptr& o) {
    PlanState plan;
    plan.family_id = str(o, "family_id");
    plan.woongemeente = str(o, "woongemeente");
    each(o, "residences", [&](const Object::Ptr& j) {
        plan.residences.push_back({day_of(j, "from").value_or(Day{}), str(j, "gemeentecode")});
    });
    each(o, "pupils", [&](const Object::Ptr& j) {
        std::optional<int> birth_year;
        if (j->has("birth_year")) birth_year = j->getValue<int>("birth_year");
        plan.pupils.push_back(
            {str(j, "pupil"), str(j, "school_brin"), str(j, "school_gemeentecode"), birth_year, str(j, "sector")});
    });
    each(o, "absences", [&](const Object::Ptr& j) {
        plan.absences.push_back({str(j, "pupil"), day_of(j, "from").value_or(Day{}), day_of(j, "to"), str(j, "kind"),
                                 j->optValue<double>("hours", 0)});
    });
    each(o, "partial", [&](const Object::Ptr& j) {
        plan.partial.push_back(
            {str(j, "pupil"), day_of(j, "from").value_or(Day{}), day_of(j, "to"), j->optValue<int>("approaches", 0)});
    });
    plan.escalated_since = day_of(o, "escalated_since");
    plan.first_worrying = day_of(o, "first_worrying");
    plan.escalated_pupil = str(o, "escalated_pupil");
    plan.ladder_position = o->optValue<int>("ladder_position", -1);
    plan.table = str(o, "table");
    plan.casusregisseur = str(o, "casusregisseur");
    plan.youthcare_active = o->optValue<bool>("youthcare_active", false);
    plan.goals = json_fields::texts(o, "goals");
    plan.fired = json_fields::texts(o, "fired");
    each(o, "open_tasks", [&](const Object::Ptr& j) {
        Task t;
        t.id = str(j, "id");
        t.type = str(j, "type");
        t.title = str(j, "title");
        t.recipient = str(j, "recipient");
        t.pupil = str(j, "pupil");
        t.table = str(j, "table");
        t.rule = str(j, "rule");
        t.created = day_of(j, "created").value_or(Day{});
        t.due = day_of(j, "due").value_or(Day{});
        t.reminded = j->optValue<bool>("reminded", false);
        if (j->has("facts")) {
            const Object::Ptr facts = j->getObject("facts");
            if (facts.isNull()) throw Poco::DataException("not an object");
            t.facts = {str(facts, "school_brin"), str(facts, "date"), str(facts, "reason_code"),
                       str(facts, "woongemeente")};
        }
        plan.open_tasks.push_back(std::move(t));
    });
    each(o, "overrides", [&](const Object::Ptr& j) {
        Override v;
        v.kind = parse_override_kind(str(j, "kind")).value_or(OverrideKind::extend_term);
        v.table = str(j, "table");
        v.days = j->optValue<int>("days", 0);
        v.reason = str(j, "reason");
        v.by = str(j, "by");
        v.at = day_of(j, "at").value_or(Day{});
        v.used = j->optValue<bool>("used", false);
        plan.overrides.push_back(std::move(v));
    });
    each(o, "timeline", [&](const Object::Ptr& j) {
        plan.timeline.push_back(
            {day_of(j, "at").value_or(Day{}), str(j, "kind"), str(j, "rule"), str(j, "reason"), str(j, "ref")});
    });
    each(o, "enrolments", [&](const Object::Ptr& j) {
        plan.enrolments.push_back({str(j, "pupil"), str(j, "brin"), str(j, "gemeentecode"), day_of(j, "start"),
                                   day_of(j, "end"), str(j, "sector"), str(j, "end_reason")});
    });
    each(o, "school_gaps", [&](const Object::Ptr& j) {
        plan.school_gaps.push_back({str(j, "pupil"), str(j, "brin"), str(j, "gemeentecode"),
                                    day_of(j, "ended").value_or(Day{}), str(j, "reason"),
                                    day_of(j, "until").value_or(Day{}), j->optValue<bool>("raised", false)});
    });
    plan.next_task = o->optValue<std::uint64_t>("next_task", 1);
    plan.evaluated_until = day_of(o, "evaluated_until");
    return plan;
}

}  // namespace

}  // namespace eenplan::service
