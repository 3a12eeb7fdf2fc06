-- Data sharing under the AVG: the art. 30 register's processing activities, the data-sharing
-- agreements (convenanten, versioned and never edited), consents, and the disclosure log
-- (verstrekkingenlog) of every task that left the hub.
-- Portable between PostgreSQL and SQLite: one statement per ";" at the end of a line.
-- Times are microseconds since the Unix epoch (UTC); dates are "YYYY-MM-DD" text.
-- No numbers, names or birth dates: pupils are hub ids or hub pseudonyms.

-- A processing activity as JSON (schemas/privacy/processing_activity.schema.json); a new document
-- for an id replaces the old one (the register describes the current processing).
CREATE TABLE processing_activities (
    activity_id TEXT PRIMARY KEY,
    document TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at_us BIGINT NOT NULL
);

-- One version of an agreement as JSON (schemas/privacy/agreement.schema.json plus version and
-- revoked). Only inserted: a change is a new version, a revocation a version with revoked = 1.
CREATE TABLE sharing_agreements (
    agreement_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    valid_from TEXT NOT NULL,
    document TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at_us BIGINT NOT NULL,
    PRIMARY KEY (agreement_id, version)
);

-- A consent as JSON (schemas/privacy/consent.schema.json) for one pupil record. Withdrawal sets
-- withdrawn_at_us once; from that instant the consent no longer counts. A consent that arrived as a
-- consent.given signal keeps the signal and the source's own reference, by which a
-- consent.withdrawn signal of the same source withdraws it.
CREATE TABLE consents (
    consent_id TEXT PRIMARY KEY,
    pupil_id TEXT NOT NULL,
    document TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    given_at_us BIGINT NOT NULL,
    withdrawn_at_us BIGINT,
    withdrawn_by TEXT,
    correlation_id TEXT NOT NULL,
    signal_id TEXT UNIQUE,
    source_id TEXT,
    source_reference TEXT
);
CREATE INDEX consents_pupil_idx ON consents (pupil_id);
CREATE INDEX consents_source_idx ON consents (source_id, source_reference);

-- Every disclosure: which delivery left for whom, under which agreement version and basis, for
-- which processing activity, carrying which categories (comma-separated names), and when.
-- pupil_id is the record the task's pseudonym belonged to when it left (NULL for a task about a
-- pseudonym the hub holds no record of).
CREATE TABLE disclosures (
    disclosure_id TEXT PRIMARY KEY,
    delivery_id TEXT NOT NULL,
    task_id TEXT NOT NULL,
    task_type TEXT NOT NULL,
    recipient_id TEXT NOT NULL,
    pupil_id TEXT,
    agreement_id TEXT NOT NULL,
    agreement_version INTEGER NOT NULL,
    legal_basis TEXT NOT NULL,
    basis_article TEXT,
    processing_activity TEXT NOT NULL,
    purpose TEXT NOT NULL,
    consent_id TEXT,
    categories TEXT NOT NULL,
    disclosed_at_us BIGINT NOT NULL,
    correlation_id TEXT NOT NULL
);
CREATE INDEX disclosures_pupil_idx ON disclosures (pupil_id, disclosed_at_us);
CREATE INDEX disclosures_recipient_idx ON disclosures (recipient_id, disclosed_at_us);
CREATE INDEX disclosures_time_idx ON disclosures (disclosed_at_us);
