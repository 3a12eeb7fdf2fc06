// PostgreSQL statements prepared once per connection and then executed by name. An unprepared
// statement is parsed, analysed and planned at every execution, and SOCI binds a batch's values one
// parameter each; ingest's two statements per batch spent more of the server's time in planning
// than in running them (docs/benchmarks/ingest.md). Here the server parses a statement once per
// connection (again after a reconnect, which forgets it) and may keep a generic plan; where it
// judges a plan for the values at hand cheaper, it still plans each run, but no longer parses it.
// A statement is prepared afresh every `replan_after` runs (pg_prepared.cpp), so a generic plan
// made while a table was nearly empty does not outlive the table's growth.
//
// The text is fixed: a batch's values travel as array parameters (store/pg_arrays.hpp), cast in
// the statement, so one text serves every batch size. Errors are thrown as soci::postgresql_soci_error
// with the server's SQLSTATE and primary message only (its detail can quote values), so callers
// handle them as any other statement's.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <soci/soci.h>

namespace eenplan::service {

struct PgStatement {
    const char* name;  // unique in the service
    const char* text;  // $1, $2, ... each a text parameter, cast where it is used
};

// The rows of one execution, as text; NULL as nullopt.
class PgRows {
public:
    explicit PgRows(std::shared_ptr<void> result);
    [[nodiscard]] int size() const;
    [[nodiscard]] std::optional<std::string> at(int row, int column) const;

private:
    std::shared_ptr<void> result_;  // a PGresult, cleared with PQclear
};

// Runs `statement` with `parameters` (nullopt: NULL) on the session's connection. PostgreSQL only.
PgRows execute_prepared(soci::session& sql, const PgStatement& statement,
                        const std::vector<std::optional<std::string>>& parameters);

}  // namespace eenplan::service
