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
// One task as the plan stores it; the plan API shows tasks in the same form.
Poco::JSON::Object::Ptr task_json(const routeboek::Task& task);

}  // namespace eenplan::service
