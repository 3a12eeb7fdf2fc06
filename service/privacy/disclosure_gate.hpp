// The send-time check of every delivery: the dispatcher asks the gate for each batch it claimed,
// right before sending it (also after a manual retry of a dead letter), with the agreements and
// consents as they stand then. The gate
// finds the pupil behind the task and its consents, asks the core policy
// (eenplan/core/policy/agreement.hpp) and returns the payload minimised to the allowed
// categories, or the reason the delivery is blocked, and the disclosure to log once it is sent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "eenplan/core/policy/agreement.hpp"
#include "privacy/privacy_store.hpp"

namespace eenplan::service {

struct GateAnswer {
    policy::SharingDecision decision;
    std::string payload;                         // what may be sent (allowed only)
    std::optional<DisclosureRecord> disclosure;  // to log when it is sent (allowed only)
};

struct GateRequest {
    std::string delivery_id, task_id, recipient_id, payload, correlation_id;
    std::string date;  // YYYY-MM-DD, Europe/Amsterdam
    std::int64_t now_us = 0;
};

class DisclosureGate {
public:
    DisclosureGate(const Config& config, PrivacyStore& store) : config_(config), store_(store) {}

    // Every agreement version, as stored now (read once per dispatcher batch).
    std::vector<policy::Agreement> agreements();
    GateAnswer check(const GateRequest& request, const std::vector<policy::Agreement>& agreements);
    // check() for each request of a batch, the pupils and consents read for all of them at once
    // (PrivacyStore::task_pupils); the answers in the order of the requests.
    std::vector<GateAnswer> check(const std::vector<GateRequest>& requests,
                                  const std::vector<policy::Agreement>& agreements);

private:
    GateAnswer decide(const GateRequest& request, const std::vector<policy::Agreement>& agreements,
                      const TaskPupil& pupil);

    const Config& config_;
    PrivacyStore& store_;
};

}  // namespace eenplan::service
