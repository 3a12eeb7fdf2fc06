// The task JSON every webhook and Node-RED recipient receives (docs/delivery.md):
//   {"type", "task_id", "subject", "due_date", "reference", "correlation_id"}
// subject is the recipient's own pseudonym of the pupil. The keys keep this order.
#pragma once

#include <string>

#include "eenplan/core/delivery/task.hpp"
#include "eenplan/core/result.hpp"

namespace eenplan::integration {

std::string task_to_json(const delivery::SharedTask& task);
Result<delivery::SharedTask> task_from_json(const std::string& json);

}  // namespace eenplan::integration
