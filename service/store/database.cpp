#include "store/database.hpp"

#include <chrono>
#include <thread>

#include <Poco/Timestamp.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sqlite3.h>

#include "store/migrations.hpp"

namespace eenplan::service {
namespace {

// Any constant will do; it only has to be the same for every eenplan instance on one database.
constexpr long long migration_lock_key = 0x65656e706c616e;  // "eenplan"

const soci::backend_factory& factory(Backend backend) {
    return backend == Backend::postgresql ? *soci::factory_postgresql() : *soci::factory_sqlite3();
}

}  // namespace

Database::Database(const DatabaseConfig& config)
    : backend_(config.backend),
      statement_timeout_seconds_(config.statement_timeout_seconds),
      pool_size_(static_cast<std::size_t>(config.pool_size)),
      pool_(std::make_unique<soci::connection_pool>(pool_size_)) {
    try {
        for (std::size_t i = 0; i < pool_size_; ++i) {
            soci::session& session = pool_->at(i);
            session.open(factory(backend_), config.connection);
            configure(session);
        }
    } catch (const soci::soci_error& error) {
        throw StoreUnavailable("cannot open the database: " + loggable_error(error));
    }
}

Database::~Database() = default;

void Database::configure(soci::session& session) {
    if (backend_ == Backend::sqlite) {
        // WAL lets readers run beside the writer; synchronous=FULL makes a commit durable before
        // the 202 goes out, even on power loss. busy_timeout queues writers instead of failing.
        // busy_timeout comes first, so that switching to WAL (which needs the lock a process that
        // is just exiting, or a writer, may still hold) waits like any writer instead of failing
        // start-up; a busy answer that comes back anyway (SQLite does not always call the busy
        // handler for this one) is retried up to the same 10 s.
        session << "PRAGMA busy_timeout=10000";
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        for (;;) {
            try {
                session << "PRAGMA journal_mode=WAL";
                break;
            } catch (const soci::sqlite3_soci_error& error) {
                const bool busy = error.result() == SQLITE_BUSY || error.result() == SQLITE_LOCKED;
                if (!busy || std::chrono::steady_clock::now() >= deadline) throw;
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
        }
        session << "PRAGMA synchronous=FULL";
        session << "PRAGMA foreign_keys=ON";
    } else {
        // A commit is durable before the 202 goes out, whatever the server's (or a role's)
        // default says; and one stuck statement cannot hold a pooled connection for ever. SET
        // takes no bound parameters; the value is an integer from the checked configuration.
        session << "SET synchronous_commit = on";
        session << "SET statement_timeout = " << std::to_string(statement_timeout_seconds_ * 1000);
    }
}

void Database::recover_or_throw(soci::session& session, const soci::soci_error& error) {
    if (backend_ == Backend::sqlite) {
        if (const auto* sqlite_error = dynamic_cast<const soci::sqlite3_soci_error*>(&error)) {
            const int code = sqlite_error->result();
            if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
                throw StoreUnavailable("the database is busy");
            }
        }
        throw;  // NOLINT: rethrow the SQL error being handled by the caller
    }
    if (session.is_connected() && error.get_error_category() != soci::soci_error::connection_error) {
        throw;  // NOLINT
    }
    try {
        session.reconnect();
        configure(session);
    } catch (const soci::soci_error& again) {
        throw StoreUnavailable("database unavailable: " + loggable_error(again));
    }
}

int Database::migrate() {
    return with_session([&](soci::session& sql) {
        auto lock = [&] {
            if (backend_ == Backend::postgresql) {
                // A migration may rewrite a large table, and waiting for another instance's
                // migrations is expected: no statement timeout for this transaction only.
                sql << "SET LOCAL statement_timeout = 0";
                // Serialises start-up of several instances; released at commit.
                sql << "SELECT pg_advisory_xact_lock(" << migration_lock_key << ")";
            }
        };
        {
            soci::transaction tx(sql);
            lock();
            sql << "CREATE TABLE IF NOT EXISTS schema_migrations ("
                   "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_us BIGINT NOT NULL)";
            tx.commit();
        }
        int applied = 0;
        const std::string backend = backend_ == Backend::postgresql ? "postgresql" : "sqlite";
        for (const Migration& migration : embedded_migrations()) {
            if (!migration.only_for.empty() && migration.only_for != backend) continue;
            soci::transaction tx(sql);
            lock();
            int present = 0;
            sql << "SELECT COUNT(*) FROM schema_migrations WHERE version = :v", soci::use(migration.version),
                soci::into(present);
            if (present != 0) {
                tx.rollback();
                continue;
            }
            for (const std::string& statement : migration.statements) sql << statement;
            const long long now_us = Poco::Timestamp().epochMicroseconds();
            sql << "INSERT INTO schema_migrations (version, name, applied_at_us) VALUES (:v, :n, :t)",
                soci::use(migration.version), soci::use(migration.name), soci::use(now_us);
            tx.commit();
            ++applied;
        }
        return applied;
    });
}

bool Database::ready() {
    try {
        return with_session([&](soci::session& sql) {
            int latest = 0;
            soci::indicator ind = soci::i_null;
            sql << "SELECT MAX(version) FROM schema_migrations", soci::into(latest, ind);
            const int wanted = embedded_migrations().empty() ? 0 : embedded_migrations().back().version;
            return ind == soci::i_ok && latest == wanted;
        });
    } catch (const std::exception&) {
        return false;
    }
}

std::vector<std::string> Database::table_names() {
    return with_session([&](soci::session& sql) {
        std::vector<std::string> names(100);
        if (backend_ == Backend::postgresql) {
            sql << "SELECT table_name FROM information_schema.tables "
                   "WHERE table_schema = current_schema() ORDER BY table_name",
                soci::into(names);
        } else {
            sql << "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", soci::into(names);
        }
        return names;
    });
}

}  // namespace eenplan::service
