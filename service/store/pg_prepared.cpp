#include "store/pg_prepared.hpp"

#include <cstring>
#include <mutex>
#include <map>
#include <tuple>

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>

namespace eenplan::service {
namespace {

using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

// The statements each connection has prepared, by the connection and its server process: a
// reconnected session may get a new PGconn at the old address, but not the old backend's pid too.
class Prepared {
public:
    // A generic plan is kept until the server invalidates it (DDL, ANALYZE); one made while a table
    // was nearly empty (a fresh store filling fast) would scan it whole for up to the minute before
    // autovacuum's ANALYZE. Prepared afresh after this many runs, the plan follows the table's size
    // at the cost of one planning in that many.
    static constexpr int replan_after = 100;

    using Key = std::tuple<const PGconn*, int, std::string>;

    enum class State { absent, ready, stale };

    // Whether the connection has the statement, and whether it has run it `replan_after` times
    // since it prepared it; counts this run.
    State state(const Key& key) {
        std::lock_guard lock(mutex_);
        const auto it = keys_.find(key);
        if (it == keys_.end()) return State::absent;
        return ++it->second > replan_after ? State::stale : State::ready;
    }
    void add(const Key& key) {
        std::lock_guard lock(mutex_);
        // What an earlier server process of this connection prepared is gone with it.
        std::erase_if(keys_, [&](const auto& entry) {
            return std::get<0>(entry.first) == std::get<0>(key) && std::get<1>(entry.first) != std::get<1>(key);
        });
        keys_[key] = 0;
    }
    void remove(const Key& key) {
        std::lock_guard lock(mutex_);
        keys_.erase(key);
    }

private:
    std::mutex mutex_;
    std::map<Key, int> keys_;  // each with its runs since it was prepared
};

Prepared& prepared() {
    static Prepared instance;
    return instance;
}

std::string sqlstate_of(const PGconn* conn, const PGresult* result) {
    const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    if (state != nullptr && std::strlen(state) == 5) return state;
    // No answer from the server: the connection broke (08006), which Database reconnects.
    return PQstatus(conn) == CONNECTION_OK ? "XX000" : "08006";
}

bool succeeded(const PGresult* result) {
    const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    return status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK;
}

[[noreturn]] void fail(const PGconn* conn, const PGresult* result, const char* name) {
    // The primary message only: the detail of a constraint violation quotes the row's values.
    const char* primary = result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    const std::string message = primary != nullptr ? primary : "no answer from the server";
    const std::string state = sqlstate_of(conn, result);
    throw soci::postgresql_soci_error(std::string("statement ") + name + ": " + message, state.c_str());
}

}  // namespace

PgRows::PgRows(std::shared_ptr<void> result) : result_(std::move(result)) {}

int PgRows::size() const { return PQntuples(static_cast<const PGresult*>(result_.get())); }

std::optional<std::string> PgRows::at(int row, int column) const {
    const auto* result = static_cast<const PGresult*>(result_.get());
    if (PQgetisnull(result, row, column) != 0) return std::nullopt;
    return std::string(PQgetvalue(result, row, column), static_cast<std::size_t>(PQgetlength(result, row, column)));
}

PgRows execute_prepared(soci::session& sql, const PgStatement& statement,
                        const std::vector<std::optional<std::string>>& parameters) {
    // The backend's type information is not exported by libsoci_postgresql: its name says which it is.
    auto* backend = sql.get_backend_name() == "postgresql"
                        ? static_cast<soci::postgresql_session_backend*>(sql.get_backend())
                        : nullptr;
    if (backend == nullptr || backend->conn_ == nullptr) {
        throw soci::soci_error("a prepared PostgreSQL statement on a session that is not PostgreSQL's");
    }
    PGconn* conn = backend->conn_;
    std::vector<const char*> values;
    values.reserve(parameters.size());
    for (const auto& p : parameters) values.push_back(p ? p->c_str() : nullptr);
    const int count = static_cast<int>(values.size());
    const Prepared::Key key{conn, PQbackendPID(conn), statement.name};

    const auto prepare = [&] {
        Result made(PQprepare(conn, statement.name, statement.text, count, nullptr), &PQclear);
        // 42P05: prepared already (by this connection, before a record of it was kept here).
        if (!succeeded(made.get()) && sqlstate_of(conn, made.get()) != "42P05") fail(conn, made.get(), statement.name);
        prepared().add(key);
    };
    const auto execute = [&] {
        return Result(PQexecPrepared(conn, statement.name, count, values.data(), nullptr, nullptr, 0), &PQclear);
    };
    switch (prepared().state(key)) {
        case Prepared::State::absent: prepare(); break;
        case Prepared::State::stale:
            // Not inside a transaction block, where a failed DEALLOCATE (a name the server forgot)
            // would abort the transaction; the next run outside one replans.
            if (PQtransactionStatus(conn) == PQTRANS_IDLE) {
                const Result gone(PQexec(conn, (std::string("DEALLOCATE ") + statement.name).c_str()), &PQclear);
                prepare();
            }
            break;
        case Prepared::State::ready: break;
    }
    Result result = execute();
    // 26000: the server does not know the name (a pooler between, or a DISCARD ALL). Prepared again
    // unless a transaction block is open, which that error has aborted.
    if (!succeeded(result.get()) && sqlstate_of(conn, result.get()) == "26000" &&
        PQtransactionStatus(conn) == PQTRANS_IDLE) {
        prepared().remove(key);
        prepare();
        result = execute();
    }
    if (!succeeded(result.get())) fail(conn, result.get(), statement.name);
    return PgRows(std::shared_ptr<void>(result.release(), [](void* r) { PQclear(static_cast<PGresult*>(r)); }));
}

}  // namespace eenplan::service
