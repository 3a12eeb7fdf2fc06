-- Growth (docs/benchmarks/ingest.md, "Growth"): ingest maintains every index of `signals` on every
-- insert; signals_received_idx (received_at_us) is a prefix of signals_log_idx (received_at_us,
-- signal_id, 0020) and serves no query the wider index does not, so it goes: one B-tree fewer
-- written per signal. Ids made from now on are time-ordered (common/ids.hpp), so the primary keys
-- of new rows grow at the right edge; ids made before keep their place.
DROP INDEX IF EXISTS signals_received_idx;
