-- Keyed audit (src/audit/keys.rs, src/audit/chain.rs): every event carries a MAC made
-- when it is recorded (mac_key_id, mac), and every link is an HMAC under the sealer's
-- key (seal_key_id). The keys live in a file outside the database. Events sealed before
-- this migration keep their plain SHA-256 links and have no key ids: they may only form
-- the start of the chain.

ALTER TABLE audit_events ADD COLUMN mac_key_id TEXT;
ALTER TABLE audit_events ADD COLUMN mac TEXT;
ALTER TABLE audit_events ADD COLUMN seal_key_id TEXT;

ALTER TABLE audit_reads_pending ADD COLUMN mac_key_id TEXT;
ALTER TABLE audit_reads_pending ADD COLUMN mac TEXT;

-- The key that sealed the head: a sealer without that key (a process still on an older
-- key file) leaves sealing to one that has it, so the chain never goes back to an older key.
ALTER TABLE audit_chain_head ADD COLUMN key_id TEXT;

-- Sealed events stay immutable and no event is deleted, as before. New: an unsealed event
-- changes only by being sealed (the sealer writes chain_pos, prev_hash, hash, sealed_at
-- and seal_key_id, nothing else). The owner can still drop this; the MACs still show it.
CREATE OR REPLACE FUNCTION audit_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE') THEN
        RAISE EXCEPTION 'audit events are append-only';
    END IF;
    IF OLD.hash IS NOT NULL THEN
        RAISE EXCEPTION 'sealed audit events are immutable';
    END IF;
    IF (NEW.seq, NEW.id, NEW.occurred_at, NEW.actor_user_id, NEW.actor_agency_id, NEW.action,
        NEW.target_kind, NEW.target_id, NEW.case_id, NEW.request_id, NEW.details,
        NEW.mac_key_id, NEW.mac)
       IS DISTINCT FROM
       (OLD.seq, OLD.id, OLD.occurred_at, OLD.actor_user_id, OLD.actor_agency_id, OLD.action,
        OLD.target_kind, OLD.target_id, OLD.case_id, OLD.request_id, OLD.details,
        OLD.mac_key_id, OLD.mac) THEN
        RAISE EXCEPTION 'an unsealed audit event changes only by being sealed';
    END IF;
    RETURN NEW;
END;
$$;

-- The latest checkpoint may be mailed to an auditor through the outbox
-- (src/notify/audit_checkpoint.rs). That message goes to no agency, and carries the
-- checkpoint (position, hash, key id, signature: no personal data) in `details`.
ALTER TABLE notifications ALTER COLUMN agency_id DROP NOT NULL;
ALTER TABLE notifications ADD COLUMN details TEXT;
