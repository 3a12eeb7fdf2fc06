// A stored signal (the envelope the ingest pipeline stored, without subject) as the routeboek
// engine's event, read with the one signal codec (integration/codec/signal_json.hpp).
#pragma once

#include <string>

#include "eenplan/core/result.hpp"
#include "eenplan/core/routeboek/plan.hpp"

namespace eenplan::service {

struct StoredSignal {
    std::string signal_id;
    std::string envelope;  // {"type", "occurred_at", "school", "data"} as signal_json wrote it
    std::string pupil_id;  // the root pupil record, empty when the signal is about no pupil
};

Result<routeboek::SignalEvent> to_event(const StoredSignal& signal);

}  // namespace eenplan::service
