-- The transactional outbox: tasks for other organisations, written in the same transaction as the
-- decision that caused them, and their deliveries with every attempt.
-- Portable between PostgreSQL and SQLite: one statement per ";" at the end of a line.
-- Times are microseconds since the Unix epoch (UTC); dates are "YYYY-MM-DD" text.
-- No numbers, names or birth dates: the pupil is a hub pseudonym here and a recipient pseudonym
-- inside the payload.

-- A task as decided. subject_pseudonym is the hub pseudonym (moved by --repseudonymise); reason
-- stays with the hub and is never sent. created_by is the admin's subject or "routeboek".
CREATE TABLE tasks (
    task_id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    recipient_id TEXT NOT NULL,
    subject_pseudonym TEXT NOT NULL,
    due_date TEXT NOT NULL,
    reason TEXT NOT NULL,
    reference TEXT NOT NULL,
    correlation_id TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at_us BIGINT NOT NULL
);
CREATE INDEX tasks_subject_idx ON tasks (subject_pseudonym);

-- One delivery of a task to its recipient. delivery_id is the webhook-id every attempt carries,
-- so a receiver can recognise a retry. state: pending, delivered, dead (dead letter), cancelled.
-- A dispatcher claims a due row by moving next_attempt_at_us to the end of its lease and setting
-- claim_token; only the holder of the token may record the outcome, and a dispatcher that dies
-- leaves the row due again when the lease ends. schedule_* restart on a manual retry.
CREATE TABLE deliveries (
    delivery_id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL,
    recipient_id TEXT NOT NULL,
    connector TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    schedule_attempts INTEGER NOT NULL,
    schedule_started_at_us BIGINT NOT NULL,
    next_attempt_at_us BIGINT NOT NULL,
    claim_token TEXT,
    last_status INTEGER,
    last_error TEXT,
    external_reference TEXT,
    correlation_id TEXT NOT NULL,
    created_at_us BIGINT NOT NULL,
    updated_at_us BIGINT NOT NULL
);
CREATE INDEX deliveries_due_idx ON deliveries (state, next_attempt_at_us);
CREATE INDEX deliveries_task_idx ON deliveries (task_id);

-- Every attempt: when, how long, what came back (status 0: no HTTP answer), the error as one
-- sentence, and what followed (outcome: delivered, retry, dead). No primary key on the attempt
-- number: when a dispatcher dies after sending, the next claimer repeats that number, and both
-- attempts did happen.
CREATE TABLE delivery_attempts (
    delivery_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    started_at_us BIGINT NOT NULL,
    latency_us BIGINT NOT NULL,
    status INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    error TEXT,
    instance_id TEXT NOT NULL,
    correlation_id TEXT NOT NULL
);
CREATE INDEX delivery_attempts_delivery_idx ON delivery_attempts (delivery_id, attempt);
