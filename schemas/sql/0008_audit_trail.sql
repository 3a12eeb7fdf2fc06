-- The audit trail: one row per admin, privacy-officer and auditor request, reads included
-- (NEN 7513: who, on whose behalf, in which role, what, when, with what outcome). Append-only and
-- tamper-evident: each row's hash covers the row and the previous row's hash (core/audit/
-- audit_chain.hpp); `eenplan-service --verify-audit` reports the first broken link.
-- object_ids holds ids the hub made, comma-separated; never a query value, a body or a number.
-- audit_head is the chain's end: appending updates it first, which serialises writers on both
-- stores, and verification compares it with the last row, so rows removed from the end are seen.
-- Portable between PostgreSQL and SQLite: one statement per ";" at the end of a line.
CREATE TABLE audit_log (
    sequence BIGINT PRIMARY KEY,
    at_us BIGINT NOT NULL,
    actor TEXT NOT NULL,
    on_behalf_of TEXT NOT NULL,
    role TEXT NOT NULL,
    method TEXT NOT NULL,
    route TEXT NOT NULL,
    object_ids TEXT NOT NULL,
    outcome INTEGER NOT NULL,
    key_version INTEGER NOT NULL,
    previous_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_at_idx ON audit_log (at_us);
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY,
    sequence BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, sequence, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
