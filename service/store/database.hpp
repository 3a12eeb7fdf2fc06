// The connection pool and schema migrations, for SQLite (embedded default, one node) and
// PostgreSQL (production, several instances). Everything else reaches the database through
// with_session(), which turns a lost connection into StoreUnavailable after one reconnect.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include <soci/soci.h>

#include "common/store_types.hpp"
#include "config/config.hpp"

namespace eenplan::service {

class Database {
public:
    // Opens every pooled connection; throws StoreUnavailable when the database cannot be reached.
    explicit Database(const DatabaseConfig& config);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    [[nodiscard]] Backend backend() const noexcept { return backend_; }

    // Runs fn(soci::session&) on a pooled connection. A connection found broken is reopened and
    // fn run once more; if that fails too, or the database is busy, StoreUnavailable is thrown.
    template <typename Fn>
    auto with_session(Fn&& fn) -> decltype(fn(std::declval<soci::session&>())) {
        soci::session session(*pool_);
        try {
            return fn(session);
        } catch (const soci::soci_error& error) {
            recover_or_throw(session, error);
        }
        try {
            return fn(session);
        } catch (const soci::soci_error& error) {
            throw StoreUnavailable("database unavailable: " + loggable_error(error));
        }
    }

    // Applies the embedded migrations under schemas/sql/ not yet applied, each in its own
    // transaction. Safe to run from several instances at once on PostgreSQL (advisory lock).
    // Returns how many were applied.
    int migrate();

    // True when the database answers and every embedded migration has been applied.
    [[nodiscard]] bool ready();

    // Names of the tables the migrations created, for tools and tests that inspect the store.
    [[nodiscard]] std::vector<std::string> table_names();

private:
    void configure(soci::session& session);
    // Reconnects a session whose connection broke; rethrows errors that are about the SQL.
    void recover_or_throw(soci::session& session, const soci::soci_error& error);

    Backend backend_;
    int statement_timeout_seconds_;
    std::size_t pool_size_;
    std::unique_ptr<soci::connection_pool> pool_;
};

}  // namespace eenplan::service
