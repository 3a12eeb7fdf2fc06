-- The peer flow's one table: each signal as received, the BSN replaced by its HMAC pseudonym, with
-- the same duplicate guard as eenplan's signals table (one row per source and webhook-id).
CREATE TABLE IF NOT EXISTS signals (
    id BIGSERIAL PRIMARY KEY,
    source TEXT NOT NULL,
    webhook_id TEXT NOT NULL,
    type TEXT NOT NULL,
    pseudonym TEXT NOT NULL,
    body JSONB NOT NULL,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (source, webhook_id)
);
CREATE INDEX IF NOT EXISTS signals_pseudonym_idx ON signals (pseudonym);
