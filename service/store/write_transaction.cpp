#include "store/write_transaction.hpp"

#include <soci/postgresql/soci-postgresql.h>

namespace eenplan::service {

WriteTransaction::WriteTransaction(soci::session& sql, Backend backend) : sql_(sql) {
    sql_ << (backend == Backend::sqlite ? "BEGIN IMMEDIATE" : "BEGIN");
}

WriteTransaction::~WriteTransaction() {
    if (!open_) return;
    try {
        sql_ << "ROLLBACK";
    } catch (const std::exception&) {
        // A broken connection has rolled back already; Database reconnects it on next use.
    }
}

void WriteTransaction::commit() {
    sql_ << "COMMIT";
    open_ = false;
}

void lock_for_transaction(soci::session& sql, Backend backend, long long key) {
    if (backend == Backend::postgresql) sql << "SELECT pg_advisory_xact_lock(" << key << ")";
}

bool is_retryable_conflict(const soci::soci_error& error) {
    const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&error);
    if (pg == nullptr) return false;
    const std::string state = pg->sqlstate();
    // unique_violation, serialization_failure, deadlock_detected (PostgreSQL appendix A).
    return state == "23505" || state == "40001" || state == "40P01";
}

}  // namespace eenplan::service
