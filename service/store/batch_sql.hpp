// Statements for a batch of rows, one round trip where a statement per row would cost one each
// (PostgreSQL parses, plans and answers every statement; on the plan worker those round trips were
// most of the time). Statements are sent unprepared (SOCI's prepare and DEALLOCATE would cost two
// more round trips each).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <soci/soci.h>

namespace eenplan::service {

// Runs `query` once with the statement's exchanges, unprepared: one round trip on PostgreSQL, which
// hands the whole result back at once (fetch() reads the rest locally). True when it gave a row.
bool run_once(soci::statement& st, const std::string& query);

// A value of a row: text, or NULL.
using Cell = std::optional<std::string>;
using CellRow = std::vector<Cell>;

// INSERT INTO <table> (<columns>) ... <tail> for `rows`, each a cell per column; `columns` names
// each column with its type, "owner text, created_at_us bigint". On PostgreSQL one statement
// whatever the number of rows, a column's values one array parameter (unnest, cast to the column's
// type): a parameter per value would cost SOCI and the server more than the rows themselves. On
// SQLite multi-row VALUES of text parameters (which the columns' affinity converts), NULL as the
// literal NULL, in chunks below its limit of parameters. Returns the rows inserted.
long long insert_rows(soci::session& sql, std::string_view table, std::string_view columns,
                      const std::vector<CellRow>& rows, std::string_view tail = {});

// <select> IN (:v0, :v1, ...) <tail> for `values`, in chunks: `row` is called for each row of the
// result with its `columns` columns as text (NULL as nullopt). <select> ends with the key column.
void select_in(soci::session& sql, std::string_view select, std::size_t columns, const std::vector<std::string>& values,
               std::string_view tail, const std::function<void(const CellRow&)>& row);

// <statement> IN (:v0, :v1, ...) for `values`, in chunks, with `leading` bound first (the
// statement's own parameters, before its IN list). Returns the rows it changed.
long long execute_in(soci::session& sql, std::string_view statement, const std::vector<std::string>& leading,
                     const std::vector<std::string>& values);

}  // namespace eenplan::service
