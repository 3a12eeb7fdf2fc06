// The domain event "signal stored": published by the ingest pipeline once a new signal is
// committed, so that whoever acts on signals (the plan worker) learns of it without the HTTP room
// knowing who that is. Subscribers are registered at start-up, before the server takes requests.
#pragma once

#include <string>
#include <vector>

#include "eenplan/core/signal.hpp"

namespace eenplan::service {

struct SignalStored {
    std::string signal_id;
    std::string correlation_id;
    std::string source_id;
    SignalType type;
};

class SignalStoredSubscriber {
public:
    virtual ~SignalStoredSubscriber() = default;
    // Called on the ingesting thread after the commit; must return quickly and not throw.
    virtual void signal_stored(const SignalStored& event) noexcept = 0;
};

class SignalStoredPublisher {
public:
    // Not thread-safe: subscribe before the first publish.
    void subscribe(SignalStoredSubscriber& subscriber) { subscribers_.push_back(&subscriber); }
    void publish(const SignalStored& event) const {
        for (SignalStoredSubscriber* s : subscribers_) s->signal_stored(event);
    }

private:
    std::vector<SignalStoredSubscriber*> subscribers_;
};

}  // namespace eenplan::service
