#include "identity/repseudonymise_job.hpp"
#include "store/database.hpp"
#include "store/write_transaction.hpp"

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
    auto remaining = [&] {
        std::int64_t total = 0;
        for (const PseudonymColumn& c : pseudonym_columns) {
            const std::string table = c.table;
            const std::string column = c.column;
            database.with_session([&](soci::session& sql) {
                long long n = 0;
                sql << "SELECT COUNT(*) FROM " + table + " WHERE " + column + " NOT LIKE :p AND " + column + " <> ''",
                    soci::use(current_prefix), soci::into(n);
                total += n;
            });
        }
        return total;
    };
    RepseudonymiseCounts counts;
    counts.to_migrate = remaining();
    progress(counts);

    // Beside a running service, rows may be written on an older version while a pass runs (a plan
    // addressing a task by an identifier of the pupil not yet moved) behind the pass's cursor:
    // another pass takes them. It stops when nothing is left, or a pass moved nothing (only values
    // the ring cannot advance are left).
    for (int pass = 0; pass < 5; ++pass) {
        const std::int64_t moved_before = counts.migrated;
        counts.failed = 0;  // a value that fails is tried again by each pass, and counted once
        for (const PseudonymColumn& c : pseudonym_columns) {
            const std::string table = c.table;
            const std::string key = c.key;
            const std::string column = c.column;
            std::string last_key;  // keyset pagination: rows that fail are passed, not re-read
            while (true) {
                std::vector<std::string> keys(static_cast<std::size_t>(batch_size));
                std::vector<std::string> values(static_cast<std::size_t>(batch_size));
                const bool more = database.with_session([&](soci::session& sql) {
                    sql << "SELECT " + key + ", " + column + " FROM " + table + " WHERE " + column +
                               " NOT LIKE :p AND " + column + " <> '' AND " + key + " > :last ORDER BY " + key +
                               " LIMIT :n",
                        soci::use(current_prefix), soci::use(last_key), soci::use(batch_size), soci::into(keys),
                        soci::into(values);
                    if (keys.empty()) return false;
                    // A write transaction as the service's own (SQLite: BEGIN IMMEDIATE, so a signal
                    // committed between this batch's reads and writes cannot fail it on the lock
                    // upgrade; PostgreSQL: a unique clash with a row a signal wrote meanwhile runs the
                    // batch again, which then finds that row). Counted per run of the batch.
                    const RepseudonymiseCounts batch = in_write_transaction(sql, database.backend(), [&] {
                        RepseudonymiseCounts done;
                        for (std::size_t i = 0; i < keys.size(); ++i) {
                            auto next = pseudonymiser.advance(values[i]);
                            if (!next) {
                                ++done.failed;
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
                                    done.migrated += drop.get_affected_rows();
                                    continue;
                                }
                            }
                            soci::statement update =
                                (sql.prepare << "UPDATE " + table + " SET " + column + " = :new WHERE " + key +
                                                    " = :k AND " + column + " = :old",
                                 soci::use(next.value()), soci::use(keys[i]), soci::use(values[i]));
                            update.execute(true);
                            done.migrated += update.get_affected_rows();
                        }
                        return done;
                    });
                    counts.migrated += batch.migrated;
                    counts.failed += batch.failed;
                    last_key = keys.back();
                    return true;
                });
                if (!more) break;
                progress(counts);
            }
        }
        counts.left = remaining();
        if (counts.left == 0 || counts.migrated == moved_before) break;
    }
    progress(counts);
    return counts;
}

}  // namespace eenplan::service
