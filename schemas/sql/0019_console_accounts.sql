-- The console's sign-in (docs/security.md, "Console sign-in"): local accounts with argon2id hashes,
-- server-side sessions and OpenID Connect logins under way.
-- Portable between PostgreSQL and SQLite: one statement per ";" at the end of a line.
-- Times are microseconds since the Unix epoch (UTC). Roles are comma-separated
-- (admin, privacy_officer, auditor).

-- A local account: its argon2id hash in the PHC string form ($argon2id$v=19$m=...,t=...,p=...$salt$hash).
CREATE TABLE console_accounts (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    roles TEXT NOT NULL,
    created_at_us BIGINT NOT NULL,
    changed_at_us BIGINT NOT NULL
);

-- A signed-in session. The cookie holds a random 256-bit id; only its SHA-256 (hex) is stored, so a
-- copy of this table opens no session. via: "local" or "oidc".
CREATE TABLE console_sessions (
    session_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    roles TEXT NOT NULL,
    via TEXT NOT NULL,
    created_at_us BIGINT NOT NULL,
    last_seen_at_us BIGINT NOT NULL
);
CREATE INDEX console_sessions_user_idx ON console_sessions (username);

-- An OpenID Connect login between the redirect to the identity provider and its callback: the
-- state (SHA-256, hex), the nonce and the PKCE code verifier. Taken (deleted) by the callback once.
CREATE TABLE console_oidc_logins (
    state_hash TEXT PRIMARY KEY,
    nonce TEXT NOT NULL,
    code_verifier TEXT NOT NULL,
    created_at_us BIGINT NOT NULL
);
