-- Who last retried or cancelled a delivery by hand (the admin's token subject) and when; the
-- audit trail holds every such request too. NULL for a delivery no admin has touched.
-- Portable between PostgreSQL and SQLite: one statement per ";" at the end of a line.
ALTER TABLE deliveries ADD COLUMN changed_by TEXT;
ALTER TABLE deliveries ADD COLUMN changed_at_us BIGINT;
