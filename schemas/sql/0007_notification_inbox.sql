-- The inbox of ZGW notifications: a notification whose abonnement token checked out and which
-- names a rol of a followed zaaktype is stored here and answered at once; the notification worker
-- (integration/inbound/zgw_notification_worker.hpp) then reads the rol from the Zaken API and
-- feeds the signal into the ingest pipeline. Only what the worker needs is kept: the rol URL, the
-- action, the date and the configured provider; no number and no name (the BSN is in the rol,
-- which is read when the signal is made and never stored here).
-- Portable between PostgreSQL and SQLite: one statement per ";" at the end of a line.
-- state: pending, done, failed. A worker claims a due row by moving next_attempt_at_us to the end
-- of its lease under a fresh claim_token; a worker that dies leaves the row due again at that time.
CREATE TABLE inbound_notifications (
    notification_id TEXT PRIMARY KEY,
    source_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    resource_url TEXT NOT NULL,
    actie TEXT NOT NULL,
    aanmaakdatum TEXT NOT NULL,
    provider TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at_us BIGINT NOT NULL,
    claim_token TEXT,
    last_error TEXT,
    received_at_us BIGINT NOT NULL,
    updated_at_us BIGINT NOT NULL
);
CREATE UNIQUE INDEX inbound_notifications_key_idx ON inbound_notifications (source_id, idempotency_key);
CREATE INDEX inbound_notifications_due_idx ON inbound_notifications (state, next_attempt_at_us);
