-- Signals as received, with the subject already replaced by the hub pseudonym.
-- Portable between PostgreSQL and SQLite: one statement per ";" at the end of a line.
-- Times are microseconds since the Unix epoch (UTC), so both stores compare them the same way.
CREATE TABLE signals (
    signal_id TEXT PRIMARY KEY,
    source_id TEXT NOT NULL,
    webhook_id TEXT NOT NULL,
    correlation_id TEXT NOT NULL,
    type TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    received_at_us BIGINT NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_pseudonym TEXT NOT NULL,
    school_brin TEXT,
    school_gemeentecode TEXT,
    envelope TEXT NOT NULL,
    CONSTRAINT signals_source_webhook_unique UNIQUE (source_id, webhook_id)
);
CREATE INDEX signals_subject_idx ON signals (subject_pseudonym);
CREATE INDEX signals_received_idx ON signals (received_at_us);
