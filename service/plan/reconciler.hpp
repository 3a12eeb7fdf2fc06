// The reconciliation with a municipal register (common/reconciliation.hpp) over the hub's records
// and plans: each listed child is opened to its hub pseudonym (a polymorphic encryption through
// the hub's keys), found as a pupil record, and looked up in its plan's enrolments of today. The
// list is only read: no row is written, so nothing of it outlives the request. A run (a list in
// parts) keeps its parts until it is finished or expires, then only its counts and proof.
#pragma once

#include "common/reconciliation.hpp"
#include "common/store_types.hpp"
#include "eenplan/core/keyed_pseudonymiser.hpp"
#include "eenplan/core/routeboek/routeboek.hpp"
#include "identity/hub_pseudonymiser.hpp"

namespace eenplan::service {

class Reconciler final : public Reconciliation {
public:
    // `pseudonym_key`: the hub's current pseudonym key, from which the municipality's pseudonyms
    // derive as its tasks' do (policy::recipient_pseudonym).
    Reconciler(Database& database, const HubPseudonymiser& pseudonymiser, const routeboek::Routeboek& routeboek,
               const VersionedKey& pseudonym_key)
        : database_(database), pseudonymiser_(pseudonymiser), routeboek_(routeboek), key_(pseudonym_key) {}

    Result<registration::ReconciliationAnswer> reconcile(const ReconciliationRequest& request) override;

    // The run API (plan/reconciliation_runs.cpp).
    RunOutcome create_run(const std::string& source_id, const std::string& gemeentecode, int parts, std::int64_t now_us,
                          std::int64_t expires_at_us) override;
    RunOutcome add_part(const std::string& source_id, const std::string& run_id, int part,
                        const std::vector<std::string>& children, std::int64_t now_us) override;
    RunOutcome progress(const std::string& source_id, const std::string& run_id, std::int64_t now_us) override;
    RunOutcome finish(const std::string& source_id, const std::string& run_id, routeboek::Day today,
                      std::int64_t now_us) override;
    int expire_runs(std::int64_t now_us) override;

private:
    Database& database_;
    const HubPseudonymiser& pseudonymiser_;
    const routeboek::Routeboek& routeboek_;
    KeyedPseudonymiser key_;
};

}  // namespace eenplan::service
