#include "outbox/task_outbox.hpp"
#include "store/database.hpp"
#include "common/ids.hpp"

#include "eenplan/core/policy/sharing_policy.hpp"
#include "eenplan/core/polymorphic.hpp"
#include "outbound/task_json.hpp"
#include "outbox/outbox_store.hpp"
#include "store/write_transaction.hpp"

namespace eenplan::service {

const char* connector_name(ConnectorKind kind) {
    switch (kind) {
        case ConnectorKind::webhook: return "webhook";
        case ConnectorKind::nodered: return "nodered";
        case ConnectorKind::zgw: return "zgw";
    }
    return "webhook";
}

namespace {

// The pupil's polymorphic encryption (under the key server's public key) stored with its hub
// pseudonym, or with another identifier of the same pupil; re-randomised, so that no two tasks
// carry the same ciphertext. Empty when none is stored.
std::string stored_encryption(soci::session& sql, const std::string& hub_pseudonym) {
    std::string text;
    soci::indicator ind = soci::i_null;
    sql << "SELECT polymorphic FROM pupil_identifiers WHERE pseudonym = :p", soci::use(hub_pseudonym),
        soci::into(text, ind);
    if (!sql.got_data() || ind != soci::i_ok) {
        ind = soci::i_null;
        sql << "SELECT polymorphic FROM pupil_identifiers WHERE polymorphic IS NOT NULL AND pupil_id = "
               "(SELECT pupil_id FROM pupil_identifiers WHERE pseudonym = :p) ORDER BY added_at_us, pseudonym LIMIT 1",
            soci::use(hub_pseudonym), soci::into(text, ind);
        if (!sql.got_data() || ind != soci::i_ok) return {};
    }
    auto ciphertext = PolymorphicCiphertext::parse(text, "");
    if (!ciphertext) return {};
    return rerandomise(ciphertext.value()).to_string();
}

}  // namespace

TaskOutbox::TaskOutbox(const Config& config, const VersionedKey& pseudonym_key, const TextSealer& sealer,
                       bool polymorphic_subjects)
    : config_(config), key_(pseudonym_key), sealer_(sealer), polymorphic_subjects_(polymorphic_subjects) {}

Result<EnqueuedTask> TaskOutbox::enqueue(soci::session& sql, const delivery::TaskDraft& draft,
                                         const std::string& created_by, std::int64_t now_us,
                                         const std::string& stable_id) const {
    if (!stable_id.empty()) {
        std::string delivery_id;
        sql << "SELECT delivery_id FROM deliveries WHERE task_id = :t", soci::use(stable_id), soci::into(delivery_id);
        if (sql.got_data()) return EnqueuedTask{stable_id, delivery_id};
    }
    return enqueue_new(sql, draft, created_by, now_us, stable_id.empty() ? new_uuid() : stable_id);
}

Result<EnqueuedTask> TaskOutbox::enqueue_new(soci::session& sql, const delivery::TaskDraft& draft,
                                             const std::string& created_by, std::int64_t now_us,
                                             const std::string& task_id) const {
    NewTasks rows;
    auto enqueued = enqueue_new(sql, draft, created_by, now_us, task_id, rows);
    if (enqueued) OutboxStore::insert(sql, rows);
    return enqueued;
}

Result<EnqueuedTask> TaskOutbox::enqueue_new(soci::session& sql, const delivery::TaskDraft& draft,
                                             const std::string& created_by, std::int64_t now_us,
                                             const std::string& task_id, NewTasks& rows) const {
    const RecipientConfig* recipient = nullptr;
    for (const RecipientConfig& r : config_.recipients) {
        if (r.id == draft.recipient_id) recipient = &r;
    }
    if (recipient == nullptr) return Problem{"/recipient", "is not a recipient configured on this hub"};
    auto shared = policy::share_task(draft, task_id, key_);
    if (!shared) return shared.problems();
    if (polymorphic_subjects_) {
        // Converted to the recipient's domain by the key server when it is sent; the hub cannot
        // compute the recipient's pseudonym itself.
        if (std::string encryption = stored_encryption(sql, draft.pupil_pseudonym); !encryption.empty()) {
            shared.value().subject = std::move(encryption);
        }
    }

    const TaskRow task{task_id,
                       draft.type,
                       draft.recipient_id,
                       draft.pupil_pseudonym,
                       draft.due_date,
                       sealer_.seal("tasks", task_id, "reason", draft.reason),
                       draft.reference,
                       draft.correlation_id,
                       created_by,
                       now_us};
    const DeliveryRow delivery{new_uuid(),
                               task_id,
                               recipient->id,
                               connector_name(recipient->connector),
                               integration::task_to_json(shared.value()),
                               draft.correlation_id,
                               now_us};
    EnqueuedTask enqueued{task_id, delivery.delivery_id};
    rows.tasks.push_back(task);
    rows.deliveries.push_back(delivery);
    return enqueued;
}

Result<EnqueuedTask> TaskOutbox::create(Database& database, const delivery::TaskDraft& draft,
                                        const std::string& created_by, std::int64_t now_us) const {
    auto task = database.with_session([&](soci::session& sql) {
        return in_write_transaction(sql, database.backend(), [&] { return enqueue(sql, draft, created_by, now_us); });
    });
    if (task) queued();
    return task;
}

}  // namespace eenplan::service
