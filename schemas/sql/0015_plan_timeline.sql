-- The plan's timeline lives in plan_decisions, no longer in the plan's JSON (which stopped growing
-- with it): besides the decisions (entry 'decision'), the timeline's other lines — a signal
-- received, a rule that fired without deciding anything — are rows with entry 'note'. `seq` orders
-- the rows one application wrote; `ref` is the line's reference (task id, table or signal id). Rows
-- written before this migration have ref NULL: their lines are still in the plan's JSON.
ALTER TABLE plan_decisions ADD COLUMN entry TEXT NOT NULL DEFAULT 'decision';
ALTER TABLE plan_decisions ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE plan_decisions ADD COLUMN ref TEXT;
CREATE INDEX plan_decisions_timeline_idx ON plan_decisions (family_id, decided_on, decided_at_us, seq);
