// OutboxStore: the tasks, deliveries and delivery_attempts tables (schemas/sql/0003_outbox.sql).
// Writing a task happens on the caller's session inside the caller's transaction; claiming and
// recording outcomes are the dispatcher's; listing, retrying and cancelling the admin API's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/store_types.hpp"
#include "privacy/privacy_store.hpp"

namespace eenplan::service {

struct TaskRow {
    std::string task_id;
    std::string type;
    std::string recipient_id;
    std::string subject_pseudonym;  // hub pseudonym
    std::string due_date;
    std::string reason;
    std::string reference;
    std::string correlation_id;
    std::string created_by;
    std::int64_t created_at_us = 0;
};

struct DeliveryRow {
    std::string delivery_id;
    std::string task_id;
    std::string recipient_id;
    std::string connector;
    std::string payload;
    std::string correlation_id;
    std::int64_t created_at_us = 0;
};

// Tasks and their first deliveries to be inserted together: one statement per table for a batch.
struct NewTasks {
    std::vector<TaskRow> tasks;
    std::vector<DeliveryRow> deliveries;
};

// A delivery a dispatcher holds the lease of.
struct ClaimedDelivery {
    std::string delivery_id;
    std::string task_id;
    std::string recipient_id;
    std::string payload;
    std::string correlation_id;
    int attempts = 0;           // made so far, in all
    int schedule_attempts = 0;  // made since the schedule (re)started
    std::int64_t schedule_started_at_us = 0;
};

// What became of one claimed delivery. `attempted` false: no attempt was made (the circuit was
// open), the delivery is only moved to next_attempt_at_us.
struct DeliveryOutcome {
    std::string delivery_id;
    std::string correlation_id;
    bool attempted = true;
    int attempt = 0;  // its number, for the attempt row
    std::int64_t started_at_us = 0;
    std::int64_t latency_us = 0;
    int status = 0;
    std::string error;
    std::string state;    // pending, delivered, dead
    std::string outcome;  // delivered, retry, dead (the attempt row)
    std::int64_t next_attempt_at_us = 0;
    std::optional<std::string> external_reference;
    // What left (the disclosure log, privacy/privacy_store.hpp): written with the outcome of an
    // attempt the receiver took (state delivered).
    std::optional<DisclosureRecord> disclosure;
};

struct DeliveryView {
    std::string delivery_id, task_id, recipient_id, connector, state, correlation_id;
    int attempts = 0;
    std::int64_t next_attempt_at_us = 0, created_at_us = 0, updated_at_us = 0;
    std::optional<int> last_status;
    std::optional<std::string> last_error, external_reference;
    std::optional<std::string> changed_by;  // the admin who last retried or cancelled it
    std::optional<std::int64_t> changed_at_us;
};

struct AttemptView {
    int attempt = 0;
    std::int64_t started_at_us = 0, latency_us = 0;
    int status = 0;
    std::string outcome, instance_id;
    std::optional<std::string> error;
};

enum class ChangeOutcome { done, not_found, conflict };

class OutboxStore {
public:
    OutboxStore(Database& database, std::string instance_id)
        : database_(database), instance_id_(std::move(instance_id)) {}

    // Inside the caller's transaction.
    static void insert(soci::session& sql, const TaskRow& task, const DeliveryRow& delivery);
    // Every task and delivery of `rows` (one statement per table), then forgets them.
    static void insert(soci::session& sql, NewTasks& rows);

    // Claims up to `limit` pending deliveries due at `now_us` until `lease_until_us` under a fresh
    // token (returned in `token`). On PostgreSQL rows another instance is claiming are skipped
    // (FOR UPDATE SKIP LOCKED), so several dispatchers never claim one delivery at once.
    std::vector<ClaimedDelivery> claim(int limit, std::int64_t now_us, std::int64_t lease_until_us, std::string& token);
    // Extends the lease of claimed deliveries to `lease_until_us` (one statement), before any of
    // them is sent once their claim's lease is running out, so a delivery late in a long batch is
    // never sent under a lease that has already run out. Returns the ids still held: one missing
    // lost its lease meanwhile (claimed again by another dispatcher, cancelled, delivered) and the
    // caller must not send it.
    std::vector<std::string> renew(const std::vector<std::string>& delivery_ids, const std::string& token,
                                   std::int64_t lease_until_us);
    // Records a batch's outcomes in one transaction (on PostgreSQL a statement for the attempts, one
    // for the deliveries not attempted, one for the disclosures, whatever the batch's size). A delivery whose lease was lost meanwhile
    // (claimed again after its lease ran out, or cancelled) keeps the newer state; its attempt is
    // still logged.
    void record(const std::vector<DeliveryOutcome>& outcomes, const std::string& token, std::int64_t now_us);

    // Admin API. state "all" lists every state; newest first.
    std::vector<DeliveryView> list(const std::string& state, int limit);
    std::optional<DeliveryView> find(const std::string& delivery_id);
    std::vector<AttemptView> attempts(const std::string& delivery_id);
    // A dead, blocked or pending delivery is due now with a fresh schedule (a blocked one is checked
    // against the sharing policy again before it is sent); delivered and cancelled ones cannot be
    // retried.
    // `by`: the admin's token subject, kept with the delivery (changed_by).
    ChangeOutcome retry(const std::string& delivery_id, std::int64_t now_us, const std::string& by);
    // A pending or dead delivery is cancelled; a delivered one cannot be.
    ChangeOutcome cancel(const std::string& delivery_id, std::int64_t now_us, const std::string& by);

    [[nodiscard]] const std::string& instance_id() const { return instance_id_; }

private:
    Database& database_;
    std::string instance_id_;
};

}  // namespace eenplan::service
