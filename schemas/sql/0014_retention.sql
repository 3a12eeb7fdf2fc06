-- Retention and erasure (docs/retention.md). Payloads that concern a family (a signal's envelope,
-- a plan's state) are encrypted under a data key of their owner (a pupil record, a family, or a
-- signal no record holds yet); payload_keys holds each such key wrapped under the tenant data key
-- and bound to its owner. Deleting the row destroys every copy of those payloads, backups of the
-- tables included, as long as the keys themselves are kept apart from those backups: a separate
-- key store (retention.key_store) holds this table instead, and then it stays empty here.
-- Portable between PostgreSQL and SQLite: one statement per ";" at the end of a line.
CREATE TABLE payload_keys (
    owner TEXT PRIMARY KEY,
    wrapped TEXT NOT NULL,
    created_at_us BIGINT NOT NULL
);
-- Each purge run (and dry run): the counts per kind, the terms in force, a digest of the ids it
-- removed (or would remove) and a proof over all of it and the audit trail's end at the time.
CREATE TABLE retention_runs (
    run_id TEXT PRIMARY KEY,
    started_at_us BIGINT NOT NULL,
    dry_run INTEGER NOT NULL,
    requested_by TEXT NOT NULL,
    counts TEXT NOT NULL,
    terms TEXT NOT NULL,
    ids_digest TEXT NOT NULL,
    audit_sequence BIGINT NOT NULL,
    audit_hash TEXT NOT NULL,
    proof TEXT NOT NULL
);
CREATE INDEX retention_runs_started_idx ON retention_runs (started_at_us);
-- The tombstone of a family erased on request (AVG art. 17): the hub id, a reason code (never free
-- text), who asked, the counts of what was removed, and a proof. Nothing of the family is left.
CREATE TABLE erasures (
    erasure_id TEXT PRIMARY KEY,
    family_id TEXT NOT NULL,
    reason_code TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    erased_at_us BIGINT NOT NULL,
    counts TEXT NOT NULL,
    ids_digest TEXT NOT NULL,
    proof TEXT NOT NULL
);
CREATE INDEX erasures_family_idx ON erasures (family_id);
