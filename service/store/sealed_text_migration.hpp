// The data migration that seals free text stored before sealing began: every value in a reason
// column that is not sealed yet is sealed for its row and column (core/sealed_text.hpp). Runs in
// batches, each its own transaction, and only replaces a value that is still the one it read, so
// it is safe beside running instances and after an interruption (it picks up where it stopped).
#pragma once

#include <string>
#include <vector>

#include "common/store_types.hpp"
#include "eenplan/core/sealed_text.hpp"

namespace eenplan::service {

struct FreeTextColumn {
    const char* table;
    const char* id_column;
    const char* column;
};

// pupil_merges.reason and .undo_reason, link_reviews.reason, tasks.reason, plan_decisions.reason.
// The reasons inside a plan's JSON state are sealed by seal_stored_plans (plan/plan_store.hpp).
const std::vector<FreeTextColumn>& free_text_columns();

// Seals what is not sealed in those columns; returns how many values it sealed.
long long seal_free_text_columns(Database& database, const TextSealer& sealer);

// The data_migrations ledger (schemas/sql/0009_sealed_text.sql).
bool data_migration_done(Database& database, const std::string& name);
void record_data_migration(Database& database, const std::string& name, long long changed, long long now_us);

}  // namespace eenplan::service
