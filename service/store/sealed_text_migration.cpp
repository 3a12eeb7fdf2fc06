#include "store/sealed_text_migration.hpp"

#include "store/database.hpp"
#include "store/write_transaction.hpp"

namespace eenplan::service {

const std::vector<FreeTextColumn>& free_text_columns() {
    static const std::vector<FreeTextColumn> columns{
        {"pupil_merges", "merge_id", "reason"},      {"pupil_merges", "merge_id", "undo_reason"},
        {"link_reviews", "review_id", "reason"},     {"tasks", "task_id", "reason"},
        {"plan_decisions", "decision_id", "reason"},
    };
    return columns;
}

long long seal_free_text_columns(Database& database, const TextSealer& sealer) {
    long long sealed = 0;
    constexpr int batch = 500;
    for (const FreeTextColumn& c : free_text_columns()) {
        const std::string table = c.table;
        const std::string id_column = c.id_column;
        const std::string column = c.column;
        // Sealed values start with "fe1:"; every other value is text from before, sealed here.
        const std::string select = "SELECT " + id_column + ", " + column + " FROM " + table + " WHERE " + column +
                                   " IS NOT NULL AND " + column + " NOT LIKE 'fe1:%' ORDER BY " + id_column +
                                   " LIMIT " + std::to_string(batch);
        const std::string update =
            "UPDATE " + table + " SET " + column + " = :sealed WHERE " + id_column + " = :id AND " + column + " = :old";
        for (;;) {
            const long long done = database.with_session([&](soci::session& sql) {
                return in_write_transaction(sql, database.backend(), [&]() -> long long {
                    std::vector<std::pair<std::string, std::string>> rows;
                    soci::rowset<soci::row> found = (sql.prepare << select);
                    for (const soci::row& row : found)
                        rows.emplace_back(row.get<std::string>(0), row.get<std::string>(1));
                    for (const auto& [id, text] : rows) {
                        const std::string value = sealer.seal(table, id, column, text);
                        sql << update, soci::use(value), soci::use(id), soci::use(text);
                    }
                    return static_cast<long long>(rows.size());
                });
            });
            sealed += done;
            if (done < batch) break;
        }
    }
    return sealed;
}

bool data_migration_done(Database& database, const std::string& name) {
    return database.with_session([&](soci::session& sql) {
        int count = 0;
        sql << "SELECT COUNT(*) FROM data_migrations WHERE name = :n", soci::use(name), soci::into(count);
        return count > 0;
    });
}

void record_data_migration(Database& database, const std::string& name, long long changed, long long now_us) {
    database.with_session([&](soci::session& sql) {
        return in_write_transaction(sql, database.backend(), [&] {
            int count = 0;
            sql << "SELECT COUNT(*) FROM data_migrations WHERE name = :n", soci::use(name), soci::into(count);
            if (count == 0) {
                sql << "INSERT INTO data_migrations (name, done_at_us, changed) VALUES (:n, :t, :c)", soci::use(name),
                    soci::use(now_us), soci::use(changed);
            }
            return 0;
        });
    });
}

}  // namespace eenplan::service
