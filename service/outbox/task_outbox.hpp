// Where decisions become tasks: TaskOutbox::enqueue passes a draft through the sharing policy
// (eenplan/core/policy/sharing_policy.hpp) and writes the task and its delivery on the caller's
// session, inside the caller's transaction, so a task exists exactly when the decision that caused
// it was committed. The dispatcher (outbox/dispatcher.hpp) delivers it afterwards: at once when the
// caller says queued() after its commit, else at the dispatcher's next poll.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "config/config.hpp"
#include "eenplan/core/delivery/task.hpp"
#include "eenplan/core/keyed_pseudonymiser.hpp"
#include "eenplan/core/result.hpp"
#include "eenplan/core/sealed_text.hpp"
#include "common/store_types.hpp"

namespace eenplan::service {

struct NewTasks;  // outbox/outbox_store.hpp

struct EnqueuedTask {
    std::string task_id;
    std::string delivery_id;  // also the webhook-id every attempt carries
};

class TaskOutbox {
public:
    // `pseudonym_key`: the hub's current pseudonym key, from which recipient pseudonyms derive.
    // `sealer`: the task's reason (which stays with the hub) is stored sealed, tasks|<task_id>|reason.
    // `polymorphic_subjects` (with a key server): the task's subject is not derived here but is the
    // pupil's stored polymorphic encryption (pupil_identifiers.polymorphic), re-randomised; the
    // dispatcher has the key server convert it to the recipient's domain right before sending
    // (dispatcher.hpp). A pupil with no stored encryption (identifiers written before the key
    // server) falls back to the keyed pseudonym.
    TaskOutbox(const Config& config, const VersionedKey& pseudonym_key, const TextSealer& sealer,
               bool polymorphic_subjects = false);

    // The one call a decision needs, on its own session and inside its own transaction.
    // `created_by` is who decided: an admin's subject, or "routeboek". Problems point into the
    // draft (/type, /recipient, /pupil, /due_date, /reference) and never repeat a value.
    // `task_id`: a stable id from the decision (e.g. "<family>/<n>"), or empty for a new one. A
    // task id already queued is not queued again: its first delivery is returned. Two instances
    // queuing one id at once: the second hits the primary key and its transaction must run again
    // (in_write_transaction in store/write_transaction.hpp does), after which it finds the first.
    Result<EnqueuedTask> enqueue(soci::session& sql, const delivery::TaskDraft& draft, const std::string& created_by,
                                 std::int64_t now_us, const std::string& task_id = {}) const;
    // enqueue() under a task id the caller has just made (new_uuid()): no task can hold it yet, so
    // it is not looked up first.
    Result<EnqueuedTask> enqueue_new(soci::session& sql, const delivery::TaskDraft& draft,
                                     const std::string& created_by, std::int64_t now_us,
                                     const std::string& task_id) const;
    // enqueue_new() whose rows join `rows`, which the caller inserts (OutboxStore::insert) inside
    // the same transaction: a batch of decisions queues its tasks with one statement per table.
    Result<EnqueuedTask> enqueue_new(soci::session& sql, const delivery::TaskDraft& draft,
                                     const std::string& created_by, std::int64_t now_us, const std::string& task_id,
                                     NewTasks& rows) const;

    // After the transaction that called enqueue() committed: tells this instance's dispatcher that
    // tasks are waiting, so the first attempt starts at once rather than at its next poll. Cheap;
    // call it once per commit, not per task.
    void queued() const {
        if (on_queued_) on_queued_();
    }
    // What queued() calls (the service wires it to Dispatcher::wake).
    void on_queued(std::function<void()> callback) { on_queued_ = std::move(callback); }

    // enqueue() in a transaction of its own, for a task created by hand (POST /v1/tasks).
    Result<EnqueuedTask> create(Database& database, const delivery::TaskDraft& draft, const std::string& created_by,
                                std::int64_t now_us) const;

private:
    const Config& config_;
    KeyedPseudonymiser key_;
    const TextSealer& sealer_;
    bool polymorphic_subjects_;
    std::function<void()> on_queued_;
};

const char* connector_name(ConnectorKind kind);

}  // namespace eenplan::service
