#include "store/batch_sql.hpp"

#include <algorithm>
#include <stdexcept>

#include "store/pg_arrays.hpp"

namespace eenplan::service {
namespace {

// PostgreSQL takes 65 535 parameters in one statement; the SQLite of older builds 999.
std::size_t parameter_limit(soci::session& sql) { return sql.get_backend_name() == "postgresql" ? 30000 : 900; }

struct Column {
    std::string name, type;
};

// "owner text, created_at_us bigint" → its columns.
std::vector<Column> parse_columns(std::string_view columns) {
    std::vector<Column> out;
    std::size_t at = 0;
    while (at < columns.size()) {
        std::size_t end = columns.find(',', at);
        if (end == std::string_view::npos) end = columns.size();
        std::string_view part = columns.substr(at, end - at);
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
        const std::size_t space = part.find(' ');
        if (space == std::string_view::npos) throw std::logic_error("a column without its type: " + std::string(part));
        out.push_back({std::string(part.substr(0, space)), std::string(part.substr(space + 1))});
        at = end + 1;
    }
    return out;
}

long long insert_postgresql(soci::session& sql, std::string_view table, const std::vector<Column>& columns,
                            const std::vector<CellRow>& rows, std::string_view tail) {
    std::vector<std::string> arrays(columns.size());
    for (std::size_t c = 0; c < columns.size(); ++c) {
        std::vector<Cell> values;
        values.reserve(rows.size());
        for (const CellRow& row : rows) values.push_back(row.at(c));
        arrays[c] = pg_text_array(values);
    }
    std::string query = "INSERT INTO ";
    query.append(table).append(" (");
    std::string unnest;
    for (std::size_t c = 0; c < columns.size(); ++c) {
        query += (c ? ", " : "") + columns[c].name;
        unnest += (c ? ", CAST(:a" : "CAST(:a") + std::to_string(c) + " AS " + columns[c].type + "[])";
    }
    query += ") SELECT * FROM unnest(" + unnest + ")";
    if (!tail.empty()) query.append(" ").append(tail);
    soci::statement st(sql);
    for (const std::string& array : arrays) st.exchange(soci::use(array));
    run_once(st, query);
    return st.get_affected_rows();
}

long long insert_values(soci::session& sql, std::string_view table, const std::vector<Column>& columns,
                        const std::vector<CellRow>& rows, std::string_view tail) {
    const std::size_t chunk = std::max<std::size_t>(1, parameter_limit(sql) / columns.size());
    std::string head = "INSERT INTO ";
    head.append(table).append(" (");
    for (std::size_t c = 0; c < columns.size(); ++c) head += (c ? ", " : "") + columns[c].name;
    head += ") VALUES ";
    long long inserted = 0;
    for (std::size_t start = 0; start < rows.size(); start += chunk) {
        const std::size_t n = std::min(chunk, rows.size() - start);
        std::string query = head;
        soci::statement st(sql);
        std::size_t next = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const CellRow& row = rows[start + i];
            query += i ? ",(" : "(";
            for (std::size_t c = 0; c < columns.size(); ++c) {
                if (c) query += ',';
                if (!row.at(c)) {
                    query += "NULL";
                    continue;
                }
                query += ":v" + std::to_string(next++);
                st.exchange(soci::use(*row[c]));
            }
            query += ')';
        }
        if (!tail.empty()) query.append(" ").append(tail);
        run_once(st, query);
        inserted += st.get_affected_rows();
    }
    return inserted;
}

}  // namespace

bool run_once(soci::statement& st, const std::string& query) {
    st.alloc();
    st.prepare(query, soci::details::st_one_time_query);
    st.define_and_bind();
    return st.execute(true);
}

long long insert_rows(soci::session& sql, std::string_view table, std::string_view columns,
                      const std::vector<CellRow>& rows, std::string_view tail) {
    if (rows.empty()) return 0;
    const std::vector<Column> parsed = parse_columns(columns);
    for (const CellRow& row : rows) {
        if (row.size() != parsed.size()) throw std::logic_error("a row of another width than its columns");
    }
    return sql.get_backend_name() == "postgresql" ? insert_postgresql(sql, table, parsed, rows, tail)
                                                  : insert_values(sql, table, parsed, rows, tail);
}

void select_in(soci::session& sql, std::string_view select, std::size_t columns, const std::vector<std::string>& values,
               std::string_view tail, const std::function<void(const CellRow&)>& row) {
    const std::size_t chunk = std::min<std::size_t>(400, parameter_limit(sql));
    for (std::size_t start = 0; start < values.size(); start += chunk) {
        const std::size_t n = std::min(chunk, values.size() - start);
        std::string query(select);
        query += " IN (";
        for (std::size_t i = 0; i < n; ++i) query += (i ? ",:v" : ":v") + std::to_string(i);
        query += ')';
        if (!tail.empty()) query.append(" ").append(tail);
        std::vector<std::string> text(columns);
        std::vector<soci::indicator> ind(columns, soci::i_null);
        soci::statement st(sql);
        for (std::size_t i = 0; i < n; ++i) st.exchange(soci::use(values[start + i]));
        for (std::size_t c = 0; c < columns; ++c) st.exchange(soci::into(text[c], ind[c]));
        // fetch() reads the rest of the result locally.
        if (!run_once(st, query)) continue;
        CellRow cells(columns);
        do {
            for (std::size_t c = 0; c < columns; ++c) {
                cells[c] = ind[c] == soci::i_ok ? std::optional<std::string>(text[c]) : std::nullopt;
            }
            row(cells);
        } while (st.fetch());
    }
}

long long execute_in(soci::session& sql, std::string_view statement, const std::vector<std::string>& leading,
                     const std::vector<std::string>& values) {
    const std::size_t chunk = std::min<std::size_t>(400, parameter_limit(sql) - leading.size());
    long long changed = 0;
    for (std::size_t start = 0; start < values.size(); start += chunk) {
        const std::size_t n = std::min(chunk, values.size() - start);
        std::string query(statement);
        query += " IN (";
        soci::statement st(sql);
        for (const std::string& value : leading) st.exchange(soci::use(value));
        for (std::size_t i = 0; i < n; ++i) {
            query += (i ? ",:v" : ":v") + std::to_string(i);
            st.exchange(soci::use(values[start + i]));
        }
        query += ')';
        run_once(st, query);
        changed += st.get_affected_rows();
    }
    return changed;
}

}  // namespace eenplan::service
