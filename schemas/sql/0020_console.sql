-- The console's data API (docs/console-api.md): indexes for the integration log's keyset pages and
-- filters, the correlation view and the health view, and the plan's aggregate facts in columns of
-- their own so the dashboard counts them without opening the sealed plan state.
-- Portable between PostgreSQL and SQLite: one statement per ";" at the end of a line.
-- No numbers, names or birth dates: municipality codes (gemeentecodes) and dates only.

-- Integration log, inbound: newest first, then by id (keyset), also per source.
CREATE INDEX signals_log_idx ON signals (received_at_us, signal_id);
CREATE INDEX signals_source_log_idx ON signals (source_id, received_at_us, signal_id);
CREATE INDEX signals_correlation_idx ON signals (correlation_id);
-- Integration log, outbound: every attempt newest first (keyset), and by correlation id.
CREATE INDEX delivery_attempts_log_idx ON delivery_attempts (started_at_us, delivery_id, attempt);
CREATE INDEX delivery_attempts_correlation_idx ON delivery_attempts (correlation_id);
-- Delivery issues and health: deliveries by state and by recipient.
CREATE INDEX deliveries_recipient_idx ON deliveries (recipient_id, state, updated_at_us);
CREATE INDEX deliveries_correlation_idx ON deliveries (correlation_id);
CREATE INDEX tasks_correlation_idx ON tasks (correlation_id);
-- Correlation view: the decisions a signal caused.
CREATE INDEX plan_decisions_signal_idx ON plan_decisions (signal_id);

-- The plan's facts the dashboard aggregates, written with the plan (plan/plan_store.cpp): today's
-- woongemeente, the first date of worrying absence of the running escalation, the school
-- municipality of each pupil (comma-separated, one per pupil) and of the escalated pupil. NULL on
-- plans not saved since this migration, until the plan worker saves them again.
ALTER TABLE plans ADD COLUMN woongemeente TEXT;
ALTER TABLE plans ADD COLUMN first_worrying TEXT;
ALTER TABLE plans ADD COLUMN school_gemeenten TEXT;
ALTER TABLE plans ADD COLUMN escalated_schoolgemeente TEXT;
CREATE INDEX plans_escalated_idx ON plans (escalated_since);
