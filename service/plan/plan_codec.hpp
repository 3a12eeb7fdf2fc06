// A family's plan (core routeboek::PlanState) as the JSON document the plans table keeps, and
// back. Dates are "YYYY-MM-DD"; nothing in it is personal data: pupils are hub pupil ids,
// organisations are routeboek ids, schools are BRINs.
#pragma once

#include <string>

#include <Poco/JSON/Object.h>

#include "eenplan/core/result.hpp"
#include "eenplan/core/routeboek/plan.hpp"

namespace eenplan::service {

std::string encode_plan(const routeboek::PlanState& plan);
Result<routeboek::PlanState> decode_plan(const std::string& json);
// A task, an override and a timeline entry as the plan stores them; the plan API shows them in
// the same form.
Poco::JSON::Object::Ptr task_json(const routeboek::Task& task);
Poco::JSON::Object::Ptr override_json(const routeboek::Override& deviation);
Poco::JSON::Object::Ptr timeline_entry_json(const routeboek::TimelineEntry& entry);

}  // namespace eenplan::service
