#include "plan/signal_events.hpp"

#include "codec/signal_json.hpp"

namespace eenplan::service {

Result<routeboek::SignalEvent> to_event(const StoredSignal& stored) {
    auto signal = signal_json::from_envelope(stored.envelope);
    if (!signal) return signal.problems();
    const auto on = signal->occurred_on();
    if (!on) return Problem{"/occurred_at", "is not a date"};
    return routeboek::SignalEvent{stored.signal_id, stored.pupil_id, *on, std::move(signal).value()};
}

}  // namespace eenplan::service
