-- Free text people type (override, merge, review and task reasons) is stored sealed from now on
-- (core/sealed_text.hpp). Rows written before are sealed once by a data migration in the service
-- (it needs the tenant data key, which SQL does not have: store/sealed_text_migration.hpp); this
-- table records which data migrations have run, so they run once.
-- Portable between PostgreSQL and SQLite: one statement per ";" at the end of a line.
CREATE TABLE data_migrations (
    name TEXT PRIMARY KEY,
    done_at_us BIGINT NOT NULL,
    changed BIGINT NOT NULL
);
