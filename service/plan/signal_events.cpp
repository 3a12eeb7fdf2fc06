#include "plan/signal_events.hpp"

#include "plan/json_fields.hpp"

#include <Poco/JSON/Parser.h>

namespace eenplan::service {
namespace {

using Poco::JSON::Object;
using json_fields::text;
using json_fields::texts;

}  // namespace

Result<routeboek::SignalEvent> to_event(const StoredSignal& signal) {
    Object::Ptr envelope;
    try {
        Poco::JSON::Parser parser;
        envelope = parser.parse(signal.envelope).extract<Object::Ptr>();
    } catch (const Poco::Exception&) {
        return Problem{"", "the stored envelope is not JSON"};
    }
    routeboek::SignalEvent e;
    e.type = signal.type;
    e.signal_id = signal.signal_id;
    e.pupil = signal.pupil_id;
    const auto occurred = routeboek::parse_day(text(envelope, "occurred_at"));
    if (!occurred) return Problem{"/occurred_at", "is not a date"};
    e.on = *occurred;
    const Object::Ptr school = envelope->getObject("school");
    e.school_brin = text(school, "brin");
    e.school_gemeentecode = text(school, "gemeentecode");
    const Object::Ptr data = envelope->getObject("data");
    if (!data) return e;
    e.absence_kind = text(data, "absence_kind");
    e.from = routeboek::parse_day(text(data, "from"));
    e.to = routeboek::parse_day(text(data, "to"));
    e.hours = data->optValue<double>("hours", 0);
    e.approaches = data->optValue<int>("approaches", 0);
    e.escalate = data->optValue<bool>("escalate", false);
    e.dissent = texts(data, "dissent");
    e.goals = texts(data, "goals");
    e.table = text(data, "table");
    e.outcome = text(data, "outcome");
    e.casusregisseur = text(data, "casusregisseur");
    e.reason = text(data, "reason");
    e.raised_by = text(data, "raised_by");
    e.disagrees_with_mdo = data->optValue<bool>("disagrees_with_mdo", false);
    e.gemeentecode = text(data, "gemeentecode");
    return e;
}

}  // namespace eenplan::service
