-- The pipeline (docs/benchmarks/ingest.md, first section, item 3: fewer index entries): each stored
-- signal and each plan decision writes an entry into every index of its table.
--
-- plan_decisions_family_idx (family_id, decided_at_us): every query of plan_decisions by family
-- asks for family_id alone (the timeline, erasure, the scope of a family, a merge), which
-- plan_decisions_timeline_idx (family_id, decided_on, decided_at_us, seq; 0015) serves as well.
-- The plan worker writes about six rows per signal: six B-tree entries fewer per signal.
DROP INDEX IF EXISTS plan_decisions_family_idx;
-- signals_unplanned_idx (received_at_us) WHERE planned_at_us IS NULL held every signal until it
-- was planned, beside signals_waiting_idx that holds the same ones less the parked. What needs
-- the unplanned signals beyond the waiting ones are the parked list and its retry, which read the
-- parked signals only: an index of those, which a new signal never enters.
DROP INDEX IF EXISTS signals_unplanned_idx;
CREATE INDEX signals_parked_idx ON signals (plan_parked_at_us, signal_id) WHERE planned_at_us IS NULL AND plan_parked_at_us IS NOT NULL;
