// The reconciliation with a municipal register as the HTTP room sees it: an interface the plan room
// implements (plan/reconciler.hpp), so that http/ needs neither the store nor the plans.
#pragma once

#include <string>
#include <vector>

#include "eenplan/core/registration/reconciliation.hpp"
#include "eenplan/core/routeboek/calendar.hpp"
#include "eenplan/core/result.hpp"

namespace eenplan::service {

struct ReconciliationRequest {
    std::string gemeentecode;           // the municipality whose register the list is
    std::vector<std::string> children;  // "kp1:…" hub pseudonyms or "pp1:…" polymorphic encryptions
    routeboek::Day today{};             // the Dutch date the enrolments are current on
};

class Reconciliation {
public:
    virtual ~Reconciliation() = default;
    // The answer for one part of a list, against the hub's enrolments of today. Nothing of the
    // list is written anywhere. Problems: "/gemeentecode" when the routeboek has no leerplicht
    // office for it.
    virtual Result<registration::ReconciliationAnswer> reconcile(const ReconciliationRequest& request) = 0;
};

}  // namespace eenplan::service
