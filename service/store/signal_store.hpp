// SignalStore: the signals table. Receives only pseudonymised signals; inserting is idempotent on
// (source, webhook-id), so a sender's retry and a concurrent duplicate both end on one row.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/store_types.hpp"
#include "store/database.hpp"

namespace eenplan::service {

struct NewSignal {
    std::string source_id;
    std::string webhook_id;
    SignalIds ids;
    std::string type;
    std::string occurred_at;
    std::int64_t received_at_us = 0;
    std::string subject_kind;
    std::string subject_pseudonym;
    std::optional<std::string> school_brin;
    std::optional<std::string> school_gemeentecode;
    std::string envelope;  // canonical JSON without the subject, which is only in subject_pseudonym
};

struct InsertOutcome {
    bool inserted;  // false: the (source, webhook-id) pair was already stored
    SignalIds ids;  // of the row that is stored now
};

// Inserts on a session the caller holds, inside its transaction: record-keeping files the signal
// on its pupil in the same transaction (record/record_keeper.hpp).
InsertOutcome insert_signal(soci::session& sql, const NewSignal& signal);

class SignalStore {
public:
    explicit SignalStore(Database& database) : database_(database) {}

    [[nodiscard]] std::optional<SignalIds> find(const std::string& source_id, const std::string& webhook_id);
    // Commits before returning: the caller may acknowledge the signal once this returns.
    InsertOutcome insert(const NewSignal& signal);

private:
    Database& database_;
};

}  // namespace eenplan::service
