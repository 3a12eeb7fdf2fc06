// Stores a signal and files it on its pupil and family records in one transaction, so a signal
// acknowledged with 202 is always linked, and a failure leaves neither. The decisions are the
// core's (eenplan/core/record/); this class fetches what they need and writes what they decide.
#pragma once

#include <cstdint>

#include "config/config.hpp"
#include "record/record_input.hpp"
#include "common/store_types.hpp"
#include "eenplan/core/sealed_text.hpp"

namespace eenplan::service {

struct NewSignal;      // store/signal_store.hpp
struct InsertOutcome;  // store/signal_store.hpp

class RecordKeeper {
public:
    // `sealer` seals the reason of a merge the hub makes itself (core/sealed_text.hpp).
    RecordKeeper(Database& database, const LinkageConfig& linkage, const TextSealer& sealer)
        : database_(database), linkage_(linkage), sealer_(sealer) {}

    // Commits before returning. A duplicate (source, webhook-id) changes nothing.
    InsertOutcome record(const NewSignal& signal, const RecordInput& input, std::int64_t now_us);

private:
    Database& database_;
    const LinkageConfig& linkage_;
    const TextSealer& sealer_;
};

}  // namespace eenplan::service
