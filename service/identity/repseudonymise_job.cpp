#include "identity/repseudonymise_job.hpp"
#include "store/database.hpp"

#include <string>
#include <vector>

namespace eenplan::service {
namespace {

// Every column that holds a hub pseudonym, by table and key column. New tables add a line here.
struct PseudonymColumn {
    const char* table;
    const char* key;
    const char* column;
};
constexpr PseudonymColumn pseudonym_columns[] = {
    {"signals", "signal_id", "subject_pseudonym"}, {"pupil_identifiers", "pseudonym", "pseudonym"},
    {"family_parents", "pseudonym", "pseudonym"},  {"person_moves", "signal_id || pseudonym", "pseudonym"},
    {"tasks", "task_id", "subject_pseudonym"},
};

}  // namespace

RepseudonymiseCounts repseudonymise(Database& database, const HubPseudonymiser& pseudonymiser,
                                    const ProgressCallback& progress, int batch_size) {
    const std::string current_prefix = "kp1:" + std::to_string(pseudonymiser.ring().current().version()) + ":%";
    RepseudonymiseCounts counts;
    for (const PseudonymColumn& c : pseudonym_columns) {
        const std::string table = c.table;
        const std::string key = c.key;
        const std::string column = c.column;
        database.with_session([&](soci::session& sql) {
            long long n = 0;
            sql << "SELECT COUNT(*) FROM " + table + " WHERE " + column + " NOT LIKE :p AND " + column + " <> ''",
                soci::use(current_prefix), soci::into(n);
            counts.to_migrate += n;
        });
    }
    progress(counts);

    for (const PseudonymColumn& c : pseudonym_columns) {
        const std::string table = c.table;
        const std::string key = c.key;
        const std::string column = c.column;
        std::string last_key;  // keyset pagination: rows that fail are passed, not re-read
        while (true) {
            std::vector<std::string> keys(static_cast<std::size_t>(batch_size));
            std::vector<std::string> values(static_cast<std::size_t>(batch_size));
            const bool more = database.with_session([&](soci::session& sql) {
                sql << "SELECT " + key + ", " + column + " FROM " + table + " WHERE " + column + " NOT LIKE :p AND " +
                           column + " <> '' AND " + key + " > :last ORDER BY " + key + " LIMIT :n",
                    soci::use(current_prefix), soci::use(last_key), soci::use(batch_size), soci::into(keys),
                    soci::into(values);
                if (keys.empty()) return false;
                soci::transaction tx(sql);
                for (std::size_t i = 0; i < keys.size(); ++i) {
                    auto next = pseudonymiser.advance(values[i]);
                    if (!next) {
                        ++counts.failed;
                        continue;
                    }
                    if (key == column) {
                        // Keyed by the pseudonym itself: a record made while the job ran (a new
                        // signal about the same pupil) may hold the new value already. The old row
                        // is then the same identifier of the same pupil, and goes.
                        long long present = 0;
                        sql << "SELECT COUNT(*) FROM " + table + " WHERE " + column + " = :new",
                            soci::use(next.value()), soci::into(present);
                        if (present > 0) {
                            soci::statement drop =
                                (sql.prepare << "DELETE FROM " + table + " WHERE " + column + " = :old",
                                 soci::use(values[i]));
                            drop.execute(true);
                            counts.migrated += drop.get_affected_rows();
                            continue;
                        }
                    }
                    soci::statement update = (sql.prepare << "UPDATE " + table + " SET " + column + " = :new WHERE " +
                                                                 key + " = :k AND " + column + " = :old",
                                              soci::use(next.value()), soci::use(keys[i]), soci::use(values[i]));
                    update.execute(true);
                    counts.migrated += update.get_affected_rows();
                }
                tx.commit();
                last_key = keys.back();
                return true;
            });
            if (!more) break;
            progress(counts);
        }
    }
    progress(counts);
    return counts;
}

}  // namespace eenplan::service
