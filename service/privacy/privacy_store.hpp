// PrivacyStore: the art. 30 register's processing activities, the agreement versions, consents
// and the disclosure log (schemas/sql/0013_privacy.sql), and what the hub holds about one pupil
// or family for a subject access request (AVG art. 15). Agreement versions are only inserted.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <Poco/JSON/Object.h>

#include "common/store_types.hpp"
#include "config/config.hpp"
#include "eenplan/core/policy/agreement.hpp"

namespace eenplan::service {

struct StoredAgreement {
    policy::Agreement agreement;
    Poco::JSON::Object::Ptr document;  // as posted, with version and revoked
    std::string created_by;
    std::int64_t created_at_us = 0;
};

struct StoredConsent {
    std::string consent_id, pupil_id, recorded_by, correlation_id;
    Poco::JSON::Object::Ptr document;
    std::int64_t given_at_us = 0;
    std::optional<std::int64_t> withdrawn_at_us;
    std::optional<std::string> withdrawn_by;

    [[nodiscard]] policy::Consent value() const;
};

struct DisclosureRecord {
    std::string disclosure_id, delivery_id, task_id, task_type, recipient_id;
    std::optional<std::string> pupil_id;
    std::string agreement_id;
    int agreement_version = 0;
    std::string legal_basis;  // statutory_task or consent
    std::optional<std::string> basis_article;
    std::string processing_activity, purpose;
    std::optional<std::string> consent_id;
    std::vector<std::string> categories;
    std::int64_t disclosed_at_us = 0;
    std::string correlation_id;
};

struct DisclosureFilter {
    std::vector<std::string> pupil_ids;  // empty: every pupil
    std::string recipient;               // empty: every recipient
    std::int64_t from_us = 0;
    std::int64_t until_us = INT64_MAX;
    int limit = 100;
};

// The task a delivery carries, as the gate needs it.
struct TaskSubject {
    std::string subject_pseudonym;  // hub pseudonym
    std::string type;
};

// What the send-time check needs to know of a task's pupil: the record behind the task's subject
// and every record it was merged into (nearest first), and the consents of all of them (per record
// in that order, each record's by time given). Both empty when the task or its pupil is unknown.
struct TaskPupil {
    std::vector<std::string> chain;
    std::vector<StoredConsent> consents;
};

enum class SeedOutcome { inserted, unchanged, differs };
enum class WithdrawOutcome { done, not_found, already };

class PrivacyStore {
public:
    explicit PrivacyStore(Database& database) : database_(database) {}

    // The register.
    void put_activity(const std::string& id, const Poco::JSON::Object::Ptr& document, const std::string& by,
                      std::int64_t now_us);
    std::vector<Poco::JSON::Object::Ptr> activities();  // each with changed_by and changed_at_us
    bool activity_exists(const std::string& id);
    SeedOutcome seed_activity(const std::string& id, const Poco::JSON::Object::Ptr& document);

    // Agreements: every version of every agreement, by id then version.
    std::vector<StoredAgreement> agreements();
    // Stores `document` (without version) as the next version of its id; returns that version.
    int add_agreement_version(Poco::JSON::Object::Ptr document, const std::string& by, std::int64_t now_us);
    // A version from the agreements file: stored once; the same (id, version) with another
    // document is refused by the caller (a version is never edited).
    SeedOutcome seed_agreement(Poco::JSON::Object::Ptr document, std::int64_t now_us);

    // Consents.
    std::string add_consent(const std::string& pupil_id, const Poco::JSON::Object::Ptr& document, const std::string& by,
                            std::int64_t now_us, const std::string& correlation_id);
    WithdrawOutcome withdraw_consent(const std::string& consent_id, const std::string& by, std::int64_t now_us);
    std::optional<StoredConsent> consent(const std::string& consent_id);
    // A stored consent.given or consent.withdrawn signal, applied once: a consent recorded for the
    // pupil the signal landed on, or the same source's consent under that reference withdrawn from
    // the moment the signal was received. Returns false for any other signal. Idempotent.
    bool apply_consent_signal(const std::string& signal_id);
    // Every consent signal (applied again: idempotent), for a start after a crash between a
    // signal's commit and its application. Returns how many there were.
    int apply_consent_signals();
    std::vector<StoredConsent> consents_of(const std::vector<std::string>& pupil_ids);

    // Records.
    bool pupil_exists(const std::string& pupil_id);
    // The record a hub pseudonym belongs to and every record it was merged into, nearest first.
    std::vector<std::string> pupil_chain_of_pseudonym(const std::string& pseudonym);
    // A pupil record and every record merged into it; or, for a family id, all of its pupils'.
    // Empty when the id names neither.
    std::vector<std::string> subject_pupils(const std::string& id, bool& is_family);
    std::optional<TaskSubject> task(const std::string& task_id);
    // task() + pupil_chain_of_pseudonym() + consents_of() for a batch of tasks in a few statements
    // (on PostgreSQL one per level of merges, not per task); tasks not found are left out.
    std::map<std::string, TaskPupil> task_pupils(const std::vector<std::string>& task_ids);

    // The disclosure log. insert_disclosure runs on the caller's session, inside its transaction.
    static void insert_disclosure(soci::session& sql, const DisclosureRecord& record);
    // A batch of them in one statement on PostgreSQL.
    static void insert_disclosures(soci::session& sql, Backend backend, const std::vector<DisclosureRecord>& records);
    std::vector<DisclosureRecord> disclosures(const DisclosureFilter& filter);

    // What is held about these pupil records (no pseudonyms' inputs: those never existed here):
    // records, family, plan, tasks and their deliveries, signals' metadata and consents.
    Poco::JSON::Object::Ptr holdings(const std::vector<std::string>& pupil_ids);

private:
    Database& database_;
};

}  // namespace eenplan::service
