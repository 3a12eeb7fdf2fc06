#include "outbox/outbox_store.hpp"
#include "store/database.hpp"
#include "common/ids.hpp"

#include "store/batch_sql.hpp"
#include "store/pg_arrays.hpp"
#include "store/row_values.hpp"
#include "store/write_transaction.hpp"

namespace eenplan::service {
namespace {

constexpr const char* delivery_columns =
    "delivery_id, task_id, recipient_id, connector, state, correlation_id, attempts, next_attempt_at_us, "
    "created_at_us, updated_at_us, last_status, last_error, external_reference, changed_by, changed_at_us";

DeliveryView view_of(const soci::row& row) {
    DeliveryView v;
    v.delivery_id = row.get<std::string>(0);
    v.task_id = row.get<std::string>(1);
    v.recipient_id = row.get<std::string>(2);
    v.connector = row.get<std::string>(3);
    v.state = row.get<std::string>(4);
    v.correlation_id = row.get<std::string>(5);
    v.attempts = static_cast<int>(integer_at(row, 6));
    v.next_attempt_at_us = integer_at(row, 7);
    v.created_at_us = integer_at(row, 8);
    v.updated_at_us = integer_at(row, 9);
    if (row.get_indicator(10) != soci::i_null) v.last_status = static_cast<int>(integer_at(row, 10));
    v.last_error = optional_text(row, 11);
    v.external_reference = optional_text(row, 12);
    v.changed_by = optional_text(row, 13);
    if (row.get_indicator(14) != soci::i_null) v.changed_at_us = integer_at(row, 14);
    return v;
}

}  // namespace

void OutboxStore::insert(soci::session& sql, const TaskRow& t, const DeliveryRow& d) {
    NewTasks rows{{t}, {d}};
    insert(sql, rows);
}

void OutboxStore::insert(soci::session& sql, NewTasks& rows) {
    std::vector<CellRow> tasks;
    tasks.reserve(rows.tasks.size());
    for (const TaskRow& t : rows.tasks) {
        tasks.push_back({t.task_id, t.type, t.recipient_id, t.subject_pseudonym, t.due_date, t.reason, t.reference,
                         t.correlation_id, t.created_by, std::to_string(t.created_at_us)});
    }
    insert_rows(sql, "tasks",
                "task_id text, type text, recipient_id text, subject_pseudonym text, due_date text, reason text, "
                "reference text, correlation_id text, created_by text, created_at_us bigint",
                tasks);
    std::vector<CellRow> deliveries;
    deliveries.reserve(rows.deliveries.size());
    for (const DeliveryRow& d : rows.deliveries) {
        const std::string at = std::to_string(d.created_at_us);
        deliveries.push_back({d.delivery_id, d.task_id, d.recipient_id, d.connector, d.payload, "pending", "0", "0", at,
                              at, d.correlation_id, at, at});
    }
    insert_rows(sql, "deliveries",
                "delivery_id text, task_id text, recipient_id text, connector text, payload text, state text, "
                "attempts integer, schedule_attempts integer, schedule_started_at_us bigint, "
                "next_attempt_at_us bigint, correlation_id text, created_at_us bigint, updated_at_us bigint",
                deliveries);
    rows = {};
}

namespace {

// One round trip per batch: rows another dispatcher is claiming right now are passed over
// rather than waited for (SKIP LOCKED), and the claimed ones come back from the UPDATE.
std::vector<ClaimedDelivery> claim_postgresql(soci::session& sql, int limit, std::int64_t now_us,
                                              std::int64_t lease_until_us, const std::string& token) {
    const auto n = static_cast<std::size_t>(limit);
    std::vector<std::string> ids(n), tasks(n), recipients(n), payloads(n), correlations(n);
    std::vector<int> attempts(n), schedule_attempts(n);
    std::vector<long long> started(n);
    const long long lease = lease_until_us;
    const long long now = now_us;
    sql << "UPDATE deliveries SET next_attempt_at_us = :lease, claim_token = :tok WHERE delivery_id IN ("
           "SELECT delivery_id FROM deliveries WHERE state = 'pending' AND next_attempt_at_us <= :now "
           "ORDER BY next_attempt_at_us LIMIT :lim FOR UPDATE SKIP LOCKED) "
           "RETURNING delivery_id, task_id, recipient_id, payload, correlation_id, attempts, schedule_attempts, "
           "schedule_started_at_us",
        soci::use(lease), soci::use(token), soci::use(now), soci::use(limit), soci::into(ids), soci::into(tasks),
        soci::into(recipients), soci::into(payloads), soci::into(correlations), soci::into(attempts),
        soci::into(schedule_attempts), soci::into(started);
    std::vector<ClaimedDelivery> claimed;
    claimed.reserve(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
        claimed.push_back({ids[i], tasks[i], recipients[i], payloads[i], correlations[i], attempts[i],
                           schedule_attempts[i], started[i]});
    }
    return claimed;
}

}  // namespace

std::vector<ClaimedDelivery> OutboxStore::claim(int limit, std::int64_t now_us, std::int64_t lease_until_us,
                                                std::string& token) {
    token = new_uuid();
    const Backend backend = database_.backend();
    return database_.with_session([&](soci::session& sql) {
        // PostgreSQL: one autocommitted statement. SQLite: a read without a transaction first, so an
        // idle dispatcher takes no write lock.
        if (backend == Backend::postgresql) return claim_postgresql(sql, limit, now_us, lease_until_us, token);
        std::string any;
        const long long due = now_us;
        sql << "SELECT delivery_id FROM deliveries WHERE state = 'pending' AND next_attempt_at_us <= :now LIMIT 1",
            soci::use(due), soci::into(any);
        if (!sql.got_data()) return std::vector<ClaimedDelivery>{};
        return in_write_transaction(sql, backend, [&] {
            const long long now = now_us;
            const int lim = limit;
            // SQLite: BEGIN IMMEDIATE already holds the one write lock, so select, then mark. Row by
            // row (local to SQLite): SOCI reads into vectors of one element as no row at all when the
            // query has exactly one, which made a batch_size of 1 deliver nothing.
            std::vector<ClaimedDelivery> claimed;
            ClaimedDelivery row;
            long long started = 0;
            soci::statement st =
                (sql.prepare << "SELECT delivery_id, task_id, recipient_id, payload, correlation_id, attempts, "
                                "schedule_attempts, schedule_started_at_us FROM deliveries WHERE state = 'pending' "
                                "AND next_attempt_at_us <= :now ORDER BY next_attempt_at_us LIMIT :lim",
                 soci::use(now), soci::use(lim), soci::into(row.delivery_id), soci::into(row.task_id),
                 soci::into(row.recipient_id), soci::into(row.payload), soci::into(row.correlation_id),
                 soci::into(row.attempts), soci::into(row.schedule_attempts), soci::into(started));
            if (st.execute(true)) {
                do {
                    row.schedule_started_at_us = started;
                    claimed.push_back(row);
                } while (st.fetch());
            }
            if (claimed.empty()) return claimed;
            std::vector<std::string> ids;
            for (const ClaimedDelivery& c : claimed) ids.push_back(c.delivery_id);
            std::vector<long long> leases(ids.size(), lease_until_us);
            std::vector<std::string> tokens(ids.size(), token);
            sql << "UPDATE deliveries SET next_attempt_at_us = :lease, claim_token = :tok WHERE delivery_id = :id",
                soci::use(leases), soci::use(tokens), soci::use(ids);
            return claimed;
        });
    });
}

std::vector<std::string> OutboxStore::renew(const std::vector<std::string>& delivery_ids, const std::string& token,
                                            std::int64_t lease_until_us) {
    if (delivery_ids.empty()) return {};
    const long long lease = lease_until_us;
    const Backend backend = database_.backend();
    return database_.with_session([&](soci::session& sql) {
        // PostgreSQL: one autocommitted statement; the row locks it takes make a concurrent claim skip
        // the rows (SKIP LOCKED), and a claim that came first changed the token.
        if (backend == Backend::postgresql) {
            std::vector<std::string> held(delivery_ids.size());
            const std::string ids = pg_text_array(delivery_ids);
            sql << "UPDATE deliveries SET next_attempt_at_us = :lease WHERE delivery_id = ANY(CAST(:ids AS text[])) "
                   "AND claim_token = :tok AND state = 'pending' RETURNING delivery_id",
                soci::use(lease), soci::use(ids), soci::use(token), soci::into(held);
            return held;
        }
        return in_write_transaction(sql, backend, [&] {
            std::vector<std::string> held;
            for (const std::string& id : delivery_ids) {
                soci::statement st =
                    (sql.prepare << "UPDATE deliveries SET next_attempt_at_us = :lease "
                                    "WHERE delivery_id = :id AND claim_token = :tok AND state = 'pending'",
                     soci::use(lease), soci::use(id), soci::use(token));
                st.execute(true);
                if (st.get_affected_rows() == 1) held.push_back(id);
            }
            return held;
        });
    });
}

namespace {

// The outcomes of a batch as columns: the attempts made (a row update and an attempt row each),
// and the deliveries not attempted (only moved to their next attempt).
struct AttemptColumns {
    std::vector<std::string> ids, states, tokens, outcomes, instances, correlations, errors, refs;
    std::vector<long long> next, now, started, latency;
    std::vector<int> status, attempt;
    std::vector<soci::indicator> error_ind, ref_ind;
};
struct UnattemptedColumns {
    std::vector<std::string> ids, tokens, states, errors;
    std::vector<long long> next, now;
    std::vector<soci::indicator> error_ind;
};

void collect(const std::vector<DeliveryOutcome>& outcomes, const std::string& token, const std::string& instance_id,
             std::int64_t now_us, AttemptColumns& a, UnattemptedColumns& d) {
    for (const DeliveryOutcome& o : outcomes) {
        if (!o.attempted) {
            d.ids.push_back(o.delivery_id);
            d.tokens.push_back(token);
            d.states.push_back(o.state.empty() ? "pending" : o.state);
            d.errors.push_back(o.error);
            d.error_ind.push_back(o.error.empty() ? soci::i_null : soci::i_ok);
            d.next.push_back(o.next_attempt_at_us);
            d.now.push_back(now_us);
            continue;
        }
        a.ids.push_back(o.delivery_id);
        a.states.push_back(o.state);
        a.tokens.push_back(token);
        a.outcomes.push_back(o.outcome);
        a.instances.push_back(instance_id);
        a.correlations.push_back(o.correlation_id);
        a.next.push_back(o.next_attempt_at_us);
        a.now.push_back(now_us);
        a.started.push_back(o.started_at_us);
        a.latency.push_back(o.latency_us);
        a.status.push_back(o.status);
        a.attempt.push_back(o.attempt);
        a.errors.push_back(o.error);
        a.error_ind.push_back(o.error.empty() ? soci::i_null : soci::i_ok);
        a.refs.push_back(o.external_reference.value_or(""));
        a.ref_ind.push_back(o.external_reference ? soci::i_ok : soci::i_null);
    }
}

// PostgreSQL: the whole batch in one statement (the row updates and the attempt rows from one
// unnest); each column travels as one array parameter.
void record_attempts_postgresql(soci::session& sql, const AttemptColumns& a, const std::string& token,
                                const std::string& instance_id, std::int64_t now_us) {
    std::vector<std::optional<std::string>> errors, refs;
    for (std::size_t i = 0; i < a.ids.size(); ++i) {
        errors.push_back(a.error_ind[i] == soci::i_ok ? std::optional(a.errors[i]) : std::nullopt);
        refs.push_back(a.ref_ind[i] == soci::i_ok ? std::optional(a.refs[i]) : std::nullopt);
    }
    const std::string ids_a = pg_text_array(a.ids), states_a = pg_text_array(a.states),
                      outcomes_a = pg_text_array(a.outcomes), corr_a = pg_text_array(a.correlations),
                      errors_a = pg_text_array(errors), refs_a = pg_text_array(refs), next_a = pg_number_array(a.next),
                      status_a = pg_number_array(a.status), attempt_a = pg_number_array(a.attempt),
                      started_a = pg_number_array(a.started), latency_a = pg_number_array(a.latency);
    const long long now = now_us;
    sql << "WITH u AS (SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:states AS text[]), CAST(:nexts AS bigint[]), "
           "CAST(:statuses AS integer[]), CAST(:errors AS text[]), CAST(:refs AS text[]), "
           "CAST(:attempts AS integer[]), CAST(:started AS bigint[]), CAST(:latency AS bigint[]), "
           "CAST(:outcomes AS text[]), CAST(:corr AS text[])) "
           "AS u(id, state, next, status, error, ref, attempt, started, latency, outcome, corr)), "
           "updated AS (UPDATE deliveries AS d SET state = u.state, attempts = d.attempts + 1, "
           "schedule_attempts = d.schedule_attempts + 1, next_attempt_at_us = u.next, claim_token = NULL, "
           "last_status = u.status, last_error = u.error, "
           "external_reference = COALESCE(u.ref, d.external_reference), updated_at_us = :now "
           "FROM u WHERE d.delivery_id = u.id AND d.claim_token = :tok) "
           "INSERT INTO delivery_attempts (delivery_id, attempt, started_at_us, latency_us, status, "
           "outcome, error, instance_id, correlation_id) "
           "SELECT u.id, u.attempt, u.started, u.latency, u.status, u.outcome, u.error, :inst, u.corr FROM u",
        soci::use(ids_a), soci::use(states_a), soci::use(next_a), soci::use(status_a), soci::use(errors_a),
        soci::use(refs_a), soci::use(attempt_a), soci::use(started_a), soci::use(latency_a), soci::use(outcomes_a),
        soci::use(corr_a), soci::use(now), soci::use(token), soci::use(instance_id);
}

// SQLite: one bulk-bound statement each for the row updates and the attempt rows.
void record_attempts_sqlite(soci::session& sql, AttemptColumns& a) {
    sql << "UPDATE deliveries SET state = :state, attempts = attempts + 1, "
           "schedule_attempts = schedule_attempts + 1, next_attempt_at_us = :next, claim_token = NULL, "
           "last_status = :status, last_error = :error, "
           "external_reference = COALESCE(:ref, external_reference), updated_at_us = :now "
           "WHERE delivery_id = :id AND claim_token = :tok",
        soci::use(a.states), soci::use(a.next), soci::use(a.status), soci::use(a.errors, a.error_ind),
        soci::use(a.refs, a.ref_ind), soci::use(a.now), soci::use(a.ids), soci::use(a.tokens);
    std::vector<std::string> errors = a.errors;
    std::vector<soci::indicator> error_ind = a.error_ind;
    sql << "INSERT INTO delivery_attempts (delivery_id, attempt, started_at_us, latency_us, status, "
           "outcome, error, instance_id, correlation_id) VALUES (:id, :n, :start, :lat, :status, :outcome, "
           ":error, :inst, :corr)",
        soci::use(a.ids), soci::use(a.attempt), soci::use(a.started), soci::use(a.latency), soci::use(a.status),
        soci::use(a.outcomes), soci::use(errors, error_ind), soci::use(a.instances), soci::use(a.correlations);
}

// Deliveries not attempted (an open circuit, a blocked or waiting one): moved to their next
// attempt, or to their final state (dead letter when the circuit stays open past their maximum
// age, blocked by the sharing policy).
void release_unattempted(soci::session& sql, Backend backend, const std::string& token, std::int64_t now_us,
                         UnattemptedColumns& d) {
    if (backend == Backend::postgresql) {
        std::vector<std::optional<std::string>> errors;
        for (std::size_t i = 0; i < d.ids.size(); ++i)
            errors.push_back(d.error_ind[i] == soci::i_ok ? std::optional(d.errors[i]) : std::nullopt);
        const std::string ids_a = pg_text_array(d.ids), states_a = pg_text_array(d.states),
                          errors_a = pg_text_array(errors), next_a = pg_number_array(d.next);
        const long long now = now_us;
        sql << "UPDATE deliveries AS d SET state = u.state, last_error = COALESCE(u.error, d.last_error), "
               "next_attempt_at_us = u.next, claim_token = NULL, updated_at_us = :now "
               "FROM unnest(CAST(:ids AS text[]), CAST(:states AS text[]), CAST(:errors AS text[]), "
               "CAST(:nexts AS bigint[])) AS u(id, state, error, next) "
               "WHERE d.delivery_id = u.id AND d.claim_token = :tok",
            soci::use(now), soci::use(ids_a), soci::use(states_a), soci::use(errors_a), soci::use(next_a),
            soci::use(token);
        return;
    }
    sql << "UPDATE deliveries SET state = :state, last_error = COALESCE(:error, last_error), "
           "next_attempt_at_us = :next, claim_token = NULL, updated_at_us = :now "
           "WHERE delivery_id = :id AND claim_token = :tok",
        soci::use(d.states), soci::use(d.errors, d.error_ind), soci::use(d.next), soci::use(d.now), soci::use(d.ids),
        soci::use(d.tokens);
}

}  // namespace

void OutboxStore::record(const std::vector<DeliveryOutcome>& outcomes, const std::string& token, std::int64_t now_us) {
    if (outcomes.empty()) return;
    AttemptColumns attempted;
    UnattemptedColumns unattempted;
    collect(outcomes, token, instance_id_, now_us, attempted, unattempted);
    std::vector<DisclosureRecord> disclosures;
    for (const DeliveryOutcome& o : outcomes) {
        if (o.attempted && o.state == "delivered" && o.disclosure) disclosures.push_back(*o.disclosure);
    }
    const Backend backend = database_.backend();
    database_.with_session([&](soci::session& sql) {
        in_write_transaction(sql, backend, [&] {
            if (!attempted.ids.empty()) {
                if (backend == Backend::postgresql) {
                    record_attempts_postgresql(sql, attempted, token, instance_id_, now_us);
                } else {
                    record_attempts_sqlite(sql, attempted);
                }
            }
            if (!unattempted.ids.empty()) release_unattempted(sql, backend, token, now_us, unattempted);
            // Written even when the lease was lost meanwhile: the receiver took it, so it left.
            if (!disclosures.empty()) PrivacyStore::insert_disclosures(sql, backend, disclosures);
        });
    });
}

std::vector<DeliveryView> OutboxStore::list(const std::string& state, int limit) {
    return database_.with_session([&](soci::session& sql) {
        std::vector<DeliveryView> out;
        const std::string base = std::string("SELECT ") + delivery_columns + " FROM deliveries ";
        const std::string order = " ORDER BY created_at_us DESC, delivery_id LIMIT :lim";
        if (state == "all") {
            soci::rowset<soci::row> rows = (sql.prepare << base + order, soci::use(limit));
            for (const soci::row& row : rows) out.push_back(view_of(row));
        } else {
            soci::rowset<soci::row> rows =
                (sql.prepare << base + "WHERE state = :state" + order, soci::use(state), soci::use(limit));
            for (const soci::row& row : rows) out.push_back(view_of(row));
        }
        return out;
    });
}

std::optional<DeliveryView> OutboxStore::find(const std::string& delivery_id) {
    return database_.with_session([&](soci::session& sql) -> std::optional<DeliveryView> {
        soci::rowset<soci::row> rows =
            (sql.prepare << std::string("SELECT ") + delivery_columns + " FROM deliveries WHERE delivery_id = :id",
             soci::use(delivery_id));
        for (const soci::row& row : rows) return view_of(row);
        return std::nullopt;
    });
}

std::vector<AttemptView> OutboxStore::attempts(const std::string& delivery_id) {
    return database_.with_session([&](soci::session& sql) {
        std::vector<AttemptView> out;
        soci::rowset<soci::row> rows =
            (sql.prepare << "SELECT attempt, started_at_us, latency_us, status, outcome, instance_id, error "
                            "FROM delivery_attempts WHERE delivery_id = :id ORDER BY attempt, started_at_us",
             soci::use(delivery_id));
        for (const soci::row& row : rows) {
            AttemptView a;
            a.attempt = static_cast<int>(integer_at(row, 0));
            a.started_at_us = integer_at(row, 1);
            a.latency_us = integer_at(row, 2);
            a.status = static_cast<int>(integer_at(row, 3));
            a.outcome = row.get<std::string>(4);
            a.instance_id = row.get<std::string>(5);
            a.error = optional_text(row, 6);
            out.push_back(std::move(a));
        }
        return out;
    });
}

ChangeOutcome OutboxStore::retry(const std::string& delivery_id, std::int64_t now_us, const std::string& by) {
    const long long now = now_us;
    return database_.with_session([&](soci::session& sql) {
        return in_write_transaction(sql, database_.backend(), [&] {
            std::string state;
            sql << "SELECT state FROM deliveries WHERE delivery_id = :id", soci::use(delivery_id), soci::into(state);
            if (!sql.got_data()) return ChangeOutcome::not_found;
            if (state != "dead" && state != "pending" && state != "blocked") return ChangeOutcome::conflict;
            sql << "UPDATE deliveries SET state = 'pending', schedule_attempts = 0, schedule_started_at_us = :now, "
                   "next_attempt_at_us = :now2, claim_token = NULL, updated_at_us = :now3, changed_by = :by, "
                   "changed_at_us = :now4 WHERE delivery_id = :id",
                soci::use(now), soci::use(now), soci::use(now), soci::use(by), soci::use(now), soci::use(delivery_id);
            return ChangeOutcome::done;
        });
    });
}

ChangeOutcome OutboxStore::cancel(const std::string& delivery_id, std::int64_t now_us, const std::string& by) {
    const long long now = now_us;
    return database_.with_session([&](soci::session& sql) {
        return in_write_transaction(sql, database_.backend(), [&] {
            std::string state;
            sql << "SELECT state FROM deliveries WHERE delivery_id = :id", soci::use(delivery_id), soci::into(state);
            if (!sql.got_data()) return ChangeOutcome::not_found;
            if (state == "cancelled") return ChangeOutcome::done;
            if (state == "delivered") return ChangeOutcome::conflict;
            sql << "UPDATE deliveries SET state = 'cancelled', claim_token = NULL, updated_at_us = :now, "
                   "changed_by = :by, changed_at_us = :now2 WHERE delivery_id = :id",
                soci::use(now), soci::use(by), soci::use(now), soci::use(delivery_id);
            return ChangeOutcome::done;
        });
    });
}

}  // namespace eenplan::service
