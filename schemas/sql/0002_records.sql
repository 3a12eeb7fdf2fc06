-- Pupil and family records: which signals concern one pupil, which pupils form one family, and
-- the evidence of every link, merge and review so that each can be explained and undone.
-- Portable between PostgreSQL and SQLite: one statement per ";" at the end of a line.
-- Times are microseconds since the Unix epoch (UTC); dates are "YYYY-MM-DD" text.
-- No names, birth dates or postcodes: only hub pseudonyms and keyed Bloom-filter encodings (CLKs).

-- A pupil record. merged_into points at the record it was merged into (a forest: the record as
-- the hub sees it is a root together with every record merged into it); clearing it undoes that.
CREATE TABLE pupils (
    pupil_id TEXT PRIMARY KEY,
    created_at_us BIGINT NOT NULL,
    created_by_signal TEXT,
    merged_into TEXT,
    family_id TEXT
);
CREATE INDEX pupils_merged_into_idx ON pupils (merged_into);
CREATE INDEX pupils_family_idx ON pupils (family_id);

-- Hub pseudonyms of a pupil's BSN, onderwijsnummer or polymorphic identity. The primary key makes
-- two instances that see a new pupil at the same time create one record: the second one retries.
CREATE TABLE pupil_identifiers (
    pseudonym TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    pupil_id TEXT NOT NULL,
    signal_id TEXT NOT NULL,
    added_at_us BIGINT NOT NULL
);
CREATE INDEX pupil_identifiers_pupil_idx ON pupil_identifiers (pupil_id);

-- Which record each signal landed on, by which rule and with what score (evidence is JSON).
CREATE TABLE signal_links (
    signal_id TEXT PRIMARY KEY,
    pupil_id TEXT NOT NULL,
    rule TEXT NOT NULL,
    score DOUBLE PRECISION,
    evidence TEXT NOT NULL,
    linked_at_us BIGINT NOT NULL
);
CREATE INDEX signal_links_pupil_idx ON signal_links (pupil_id);

-- The CLK of a signal that carried name, birth date and postcode (hex of 1024 bits, keyed), and
-- its keyed blocking keys; the attributes themselves were discarded at ingest.
CREATE TABLE linkage_encodings (
    signal_id TEXT PRIMARY KEY,
    pupil_id TEXT NOT NULL,
    key_version INTEGER NOT NULL,
    clk TEXT NOT NULL,
    recorded_at_us BIGINT NOT NULL
);
CREATE INDEX linkage_encodings_pupil_idx ON linkage_encodings (pupil_id);
CREATE TABLE linkage_blocks (
    block_pass INTEGER NOT NULL,
    block_key BIGINT NOT NULL,
    signal_id TEXT NOT NULL,
    PRIMARY KEY (block_pass, block_key, signal_id)
);

-- A possible match waiting for an admin: the signal landed on its own record (pupil_id), which
-- may be the same pupil as candidate_id. A "match" decision merges the two (merge_id).
CREATE TABLE link_reviews (
    review_id TEXT PRIMARY KEY,
    signal_id TEXT NOT NULL,
    pupil_id TEXT NOT NULL,
    candidate_id TEXT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    evidence TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at_us BIGINT NOT NULL,
    decided_by TEXT,
    decided_at_us BIGINT,
    reason TEXT,
    merge_id TEXT
);
CREATE INDEX link_reviews_status_idx ON link_reviews (status, created_at_us);

-- Every merge of two pupil records, by whom and why, and its undoing.
CREATE TABLE pupil_merges (
    merge_id TEXT PRIMARY KEY,
    survivor_id TEXT NOT NULL,
    absorbed_id TEXT NOT NULL,
    rule TEXT NOT NULL,
    reason TEXT NOT NULL,
    merged_by TEXT NOT NULL,
    merged_at_us BIGINT NOT NULL,
    signal_id TEXT,
    review_id TEXT,
    undone_by TEXT,
    undone_at_us BIGINT,
    undo_reason TEXT
);
CREATE INDEX pupil_merges_survivor_idx ON pupil_merges (survivor_id);
CREATE INDEX pupil_merges_absorbed_idx ON pupil_merges (absorbed_id);

-- A family: its children are the pupils whose family_id is this one, its parents and guardians
-- are pseudonyms below. A family joined into another (two households found to be one) keeps
-- its id, pointing at the one it joined.
CREATE TABLE families (
    family_id TEXT PRIMARY KEY,
    created_at_us BIGINT NOT NULL,
    created_by_signal TEXT NOT NULL,
    merged_into TEXT,
    merged_by_signal TEXT
);
CREATE TABLE family_parents (
    pseudonym TEXT PRIMARY KEY,
    family_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    role TEXT NOT NULL,
    signal_id TEXT NOT NULL,
    added_at_us BIGINT NOT NULL
);
CREATE INDEX family_parents_family_idx ON family_parents (family_id);

-- A household.composition registers the family in a municipality from its date.
CREATE TABLE household_registrations (
    signal_id TEXT PRIMARY KEY,
    family_id TEXT NOT NULL,
    gemeentecode TEXT NOT NULL,
    from_date TEXT NOT NULL,
    recorded_at_us BIGINT NOT NULL
);
CREATE INDEX household_registrations_family_idx ON household_registrations (family_id);

-- A person.moved, kept by the person's pseudonym so that it counts for whichever family the
-- person belongs to, also when the move arrives before the household does.
CREATE TABLE person_moves (
    signal_id TEXT NOT NULL,
    pseudonym TEXT NOT NULL,
    gemeentecode TEXT NOT NULL,
    from_date TEXT NOT NULL,
    recorded_at_us BIGINT NOT NULL,
    PRIMARY KEY (signal_id, pseudonym)
);
CREATE INDEX person_moves_pseudonym_idx ON person_moves (pseudonym);
