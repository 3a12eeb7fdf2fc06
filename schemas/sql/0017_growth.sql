-- Growth (docs/benchmarks/ingest.md, "Growth"): ingest maintains every index of `signals` on every
-- insert; signals_received_idx (received_at_us) is a prefix of signals_log_idx (received_at_us,
-- signal_id, 0020) and serves no query the wider index does not, so it goes: one B-tree fewer
-- written per signal. Ids made from now on are time-ordered (common/ids.hpp), so the primary keys
-- of new rows grow at the right edge; ids made before keep their place.
DROP INDEX IF EXISTS signals_received_idx;
-- Every start applies the stored consent.given / consent.withdrawn signals again
-- (PrivacyStore::apply_consent_signals): without an index on type that read every signal, a
-- start that took as long as a sequential scan of `signals` (seconds at 10 M rows, minutes at
-- hundreds of millions). This index holds only those signals, in the order they are applied.
CREATE INDEX signals_consent_idx ON signals (received_at_us, signal_id) WHERE type IN ('consent.given', 'consent.withdrawn');
