// Re-pseudonymisation after a key rotation: moves every stored hub pseudonym to the current key
// version, using only the stored values (the key chain; no person number is needed or seen).
// Safe to run beside a live service: each row is updated only if it still holds the value read,
// in one transaction per batch, so an interrupted run resumes where it stopped.
#pragma once

#include <cstdint>
#include <functional>

#include "identity/hub_pseudonymiser.hpp"
#include "common/store_types.hpp"

namespace eenplan::service {

struct RepseudonymiseCounts {
    std::int64_t to_migrate = 0;  // rows not on the current version when the job started
    std::int64_t migrated = 0;
    std::int64_t failed = 0;  // values the key ring cannot advance (a missing key version)
    std::int64_t left = 0;    // still on an older version at the end (failed, or written after the last pass)
};

// Called after each batch with the counts so far.
using ProgressCallback = std::function<void(const RepseudonymiseCounts&)>;

RepseudonymiseCounts repseudonymise(Database& database, const HubPseudonymiser& pseudonymiser,
                                    const ProgressCallback& progress, int batch_size = 500);

}  // namespace eenplan::service
