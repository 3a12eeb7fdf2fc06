#include "store/batch_sql.hpp"

#include <algorithm>
#include <deque>

namespace eenplan::service {
namespace {

// PostgreSQL takes 65 535 parameters in one statement; the SQLite of older builds 999.
std::size_t parameter_limit(soci::session& sql) {
    return sql.get_backend_name() == "postgresql" ? 30000 : 900;
}

}  // namespace

long long insert_rows(soci::session& sql, std::string_view into, const std::vector<CellRow>& rows,
                      std::string_view tail) {
    if (rows.empty()) return 0;
    const std::size_t width = std::max<std::size_t>(1, rows.front().size());
    const std::size_t chunk = std::max<std::size_t>(1, parameter_limit(sql) / width);
    long long inserted = 0;
    for (std::size_t start = 0; start < rows.size(); start += chunk) {
        const std::size_t n = std::min(chunk, rows.size() - start);
        std::string query = "INSERT INTO ";
        query.append(into).append(" VALUES ");
        soci::statement st(sql);
        std::size_t next = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const CellRow& row = rows[start + i];
            query += i ? ",(" : "(";
            for (std::size_t c = 0; c < row.size(); ++c) {
                if (c) query += ',';
                if (!row[c]) {
                    query += "NULL";
                    continue;
                }
                query += ":v" + std::to_string(next++);
                st.exchange(soci::use(*row[c]));
            }
            query += ')';
        }
        if (!tail.empty()) query.append(" ").append(tail);
        st.alloc();
        st.prepare(query, soci::details::st_one_time_query);
        st.define_and_bind();
        st.execute(true);
        inserted += st.get_affected_rows();
    }
    return inserted;
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
        st.alloc();
        st.prepare(query, soci::details::st_one_time_query);
        st.define_and_bind();
        // One round trip: the PostgreSQL backend holds the whole result; fetch() reads it locally.
        if (!st.execute(true)) continue;
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
        st.alloc();
        st.prepare(query, soci::details::st_one_time_query);
        st.define_and_bind();
        st.execute(true);
        changed += st.get_affected_rows();
    }
    return changed;
}

}  // namespace eenplan::service
