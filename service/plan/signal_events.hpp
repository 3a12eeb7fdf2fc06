// A stored signal (its type and the envelope without subject) as the routeboek engine's event.
#pragma once

#include <string>

#include "eenplan/core/result.hpp"
#include "eenplan/core/routeboek/plan.hpp"

namespace eenplan::service {

struct StoredSignal {
    std::string signal_id;
    std::string type;
    std::string envelope;  // {"type", "occurred_at", "school", "data"}
    std::string pupil_id;  // the root pupil record, empty when the signal is about no pupil
};

Result<routeboek::SignalEvent> to_event(const StoredSignal& signal);

}  // namespace eenplan::service
