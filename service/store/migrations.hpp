// The SQL migrations compiled in from schemas/sql/NNNN_name.sql, in version order. A migration that
// needs one store's own syntax (a trigger) comes as NNNN_name.sqlite.sql and NNNN_name.postgresql.sql
// under one version: each store applies only its own.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace eenplan::service {

struct Migration {
    int version;
    std::string name;
    std::vector<std::string> statements;  // split on ";" at the end of a line
    std::string only_for;                 // "" for both stores, else "sqlite" or "postgresql"
};

const std::vector<Migration>& embedded_migrations();

// Splits a migration file into statements: each ends with ";" at the end of a line; "--" comment
// lines are dropped. Both SQLite and libpq-prepared statements take one statement at a time.
std::vector<std::string> split_sql_statements(std::string_view sql);

}  // namespace eenplan::service
