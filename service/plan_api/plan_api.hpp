// What the HTTP room may ask of the plans (the plan API routes), as an interface the plan room
// implements (plan/plan_views.hpp). http/ links this header-only room and never plan/, so a handler
// cannot reach the plan worker, its store or its codec; the application wires the two together.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "eenplan/core/result.hpp"
#include "eenplan/core/routeboek/calendar.hpp"
#include "eenplan/core/routeboek/plan.hpp"

namespace eenplan::service {

// A signal or a plan the plan worker passes over after repeated failures, until an admin retries it.
enum class ParkedKind { signal, plan };
struct ParkedItem {
    ParkedKind kind;
    std::string id;  // signal_id or family_id
    int attempts = 0;
    std::int64_t parked_at_us = 0;
};

class PlanApi {
public:
    virtual ~PlanApi() = default;

    // The plan as a professional reads it (owner, escalation, actions, participants, timeline);
    // null when the family has no plan.
    virtual Poco::JSON::Object::Ptr plan_view(const std::string& family_id) = 0;
    // A professional's deviation, with its reason: the decisions it led to, each as a JSON view.
    // Problems: "/" when there is no such plan, or the engine's refusal (/reason, /table, /days).
    virtual Result<Poco::JSON::Array::Ptr> apply_override(const std::string& family_id,
                                                          const routeboek::Override& deviation, routeboek::Day today,
                                                          std::int64_t now_us) = 0;
    virtual std::vector<ParkedItem> parked(int max) = 0;
    // Un-parks every parked signal and plan; returns how many.
    virtual int retry_parked() = 0;
};

}  // namespace eenplan::service
