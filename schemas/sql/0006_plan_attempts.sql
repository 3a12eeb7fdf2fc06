-- Attempts and a parked state for the plan worker. A signal or a plan whose application keeps
-- failing is counted (plan_attempts / tick_attempts) and, after a few failures, parked: the worker
-- passes it over, so the signals and plans behind it are planned, and it waits for an admin's
-- retry (POST /v1/parked/retry). Parked rows are counted in eenplan_plan_parked_total.
-- Portable between PostgreSQL and SQLite: one statement per ";" at the end of a line.
ALTER TABLE signals ADD COLUMN plan_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE signals ADD COLUMN plan_parked_at_us BIGINT;
CREATE INDEX signals_waiting_idx ON signals (received_at_us) WHERE planned_at_us IS NULL AND plan_parked_at_us IS NULL;
ALTER TABLE plans ADD COLUMN tick_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN parked_at_us BIGINT;
