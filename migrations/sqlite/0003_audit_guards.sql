-- Guard the chain head against deletion (SQLite has no TRUNCATE; its DELETE-all
-- optimisation is off for tables with triggers, so audit_events is covered already).

CREATE TRIGGER audit_chain_head_no_delete BEFORE DELETE ON audit_chain_head
BEGIN
    SELECT RAISE(ABORT, 'the audit chain head is never removed');
END;
