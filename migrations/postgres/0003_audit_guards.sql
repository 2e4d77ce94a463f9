-- TRUNCATE skips row triggers: forbid it too, and guard the chain head against deletion.

CREATE OR REPLACE FUNCTION audit_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE') THEN
        RAISE EXCEPTION 'audit events are append-only';
    END IF;
    IF OLD.hash IS NOT NULL THEN
        RAISE EXCEPTION 'sealed audit events are immutable';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
FOR EACH STATEMENT EXECUTE FUNCTION audit_events_guard();

CREATE FUNCTION audit_chain_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit chain head is never removed';
END;
$$;

CREATE TRIGGER audit_chain_head_guard BEFORE DELETE OR TRUNCATE ON audit_chain_head
FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_head_guard();
