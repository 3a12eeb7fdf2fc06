-- One plan per family ("één gezin, één plan") as the routeboek engine keeps it, and every decision
-- it made. The plan's state is JSON (service/plan/plan_codec.*): pupil ids, organisation ids,
-- BRINs and dates, no personal data. next_check is the durable schedule: the day the engine must
-- look at the plan again (a due date, a reminder, a trigger), so deadlines survive restarts.
-- Portable between PostgreSQL and SQLite: one statement per ";" at the end of a line.
CREATE TABLE plans (
    family_id TEXT PRIMARY KEY,
    routeboek_id TEXT NOT NULL,
    state TEXT NOT NULL,
    escalated_since TEXT,
    table_id TEXT,
    next_check TEXT,
    updated_at_us BIGINT NOT NULL
);
CREATE INDEX plans_next_check_idx ON plans (next_check);

-- Every decision, with the rule that fired and why. task_id is the plan's task; delivery_id the
-- outbox delivery made for it (none when the recipient is not configured for delivery).
CREATE TABLE plan_decisions (
    decision_id TEXT PRIMARY KEY,
    family_id TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    kind TEXT NOT NULL,
    rule TEXT NOT NULL,
    reason TEXT NOT NULL,
    table_id TEXT,
    task_id TEXT,
    recipient TEXT,
    due_date TEXT,
    signal_id TEXT,
    delivery_id TEXT,
    decided_by TEXT NOT NULL,
    decided_at_us BIGINT NOT NULL
);
CREATE INDEX plan_decisions_family_idx ON plan_decisions (family_id, decided_at_us);

-- A signal is new to the engine while planned_at_us is NULL; the plan worker sets it in the
-- transaction that applies the signal to its family's plan, so each signal is applied once.
ALTER TABLE signals ADD COLUMN planned_at_us BIGINT;
CREATE INDEX signals_unplanned_idx ON signals (received_at_us) WHERE planned_at_us IS NULL;
