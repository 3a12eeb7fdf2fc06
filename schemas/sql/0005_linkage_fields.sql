-- Field-level linkage encodings (docs/record.md, issue 20). `fields` holds a signal's keyed field
-- encodings (hex, linkage::FieldEncoding); encodings stored before have none and are compared by
-- their CLK only, never linked on it alone (a review at most). Term frequencies: how many stored
-- encodings carry a keyed family-name token (field 1) or first-given-name token (field 2), and
-- their total (field 0, token 0), per key version. No plaintext: tokens are keyed hashes.
ALTER TABLE linkage_encodings ADD COLUMN fields TEXT;
CREATE TABLE linkage_token_counts (
    key_version INTEGER NOT NULL,
    field INTEGER NOT NULL,
    token BIGINT NOT NULL,
    seen BIGINT NOT NULL,
    PRIMARY KEY (key_version, field, token)
);
