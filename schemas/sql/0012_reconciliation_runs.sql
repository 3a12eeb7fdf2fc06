-- Reconciliation runs of a municipal register (docs/routeboek.md, "Reconciliation"): a run is
-- created, its list arrives in parts (a part sent again is idempotent), and the run is finished.
-- The parts hold the list as sent only while the run is open: finishing or expiring the run
-- deletes them, and what stays is the run's counts and proof (a hash of the list, the counts and
-- the time). Portable between PostgreSQL and SQLite: one statement per ";" at the end of a line.
CREATE TABLE reconciliation_runs (
    run_id TEXT PRIMARY KEY,
    source_id TEXT NOT NULL,
    gemeentecode TEXT NOT NULL,
    parts INTEGER NOT NULL,
    status TEXT NOT NULL,
    created_at_us BIGINT NOT NULL,
    expires_at_us BIGINT NOT NULL,
    ended_at_us BIGINT,
    listed BIGINT NOT NULL DEFAULT 0,
    duplicates BIGINT NOT NULL DEFAULT 0,
    unreadable BIGINT NOT NULL DEFAULT 0,
    enrolled BIGINT NOT NULL DEFAULT 0,
    known_not_enrolled BIGINT NOT NULL DEFAULT 0,
    unknown BIGINT NOT NULL DEFAULT 0,
    list_digest TEXT,
    proof TEXT
);
CREATE INDEX reconciliation_runs_open ON reconciliation_runs (status, expires_at_us);
CREATE TABLE reconciliation_parts (
    run_id TEXT NOT NULL,
    part INTEGER NOT NULL,
    children BIGINT NOT NULL,
    digest TEXT NOT NULL,
    entries TEXT NOT NULL,
    PRIMARY KEY (run_id, part)
);
