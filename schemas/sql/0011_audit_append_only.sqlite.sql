-- The audit trail is append-only in the database too: an UPDATE or DELETE of an entry is refused.
-- Whoever may drop these triggers can still change rows; --verify-audit finds that.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
