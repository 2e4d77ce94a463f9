-- Keyed audit (src/audit/keys.rs, src/audit/chain.rs): every event carries a MAC made
-- when it is recorded (mac_key_id, mac), and every link is an HMAC under the sealer's
-- key (seal_key_id). The keys live in a file outside the database. Events sealed before
-- this migration keep their plain SHA-256 links and have no key ids: they may only form
-- the start of the chain. The read-audit staging table is in the companion file, which
-- src/audit/staged.rs upgrades itself.

ALTER TABLE audit_events ADD COLUMN mac_key_id TEXT;
ALTER TABLE audit_events ADD COLUMN mac TEXT;
ALTER TABLE audit_events ADD COLUMN seal_key_id TEXT;

-- The key that sealed the head: a sealer without that key (a process still on an older
-- key file) leaves sealing to one that has it, so the chain never goes back to an older key.
ALTER TABLE audit_chain_head ADD COLUMN key_id TEXT;

-- Sealed events stay immutable and no event is deleted, as before (0002). New: an
-- unsealed event changes only by being sealed (the sealer writes chain_pos, prev_hash,
-- hash, sealed_at and seal_key_id, nothing else). The owner can still drop this; the
-- MACs still show it.
CREATE TRIGGER audit_events_unsealed_only_sealed BEFORE UPDATE ON audit_events
WHEN OLD.hash IS NULL AND (
    NEW.seq IS NOT OLD.seq OR NEW.id IS NOT OLD.id OR NEW.occurred_at IS NOT OLD.occurred_at
    OR NEW.actor_user_id IS NOT OLD.actor_user_id
    OR NEW.actor_agency_id IS NOT OLD.actor_agency_id OR NEW.action IS NOT OLD.action
    OR NEW.target_kind IS NOT OLD.target_kind OR NEW.target_id IS NOT OLD.target_id
    OR NEW.case_id IS NOT OLD.case_id OR NEW.request_id IS NOT OLD.request_id
    OR NEW.details IS NOT OLD.details OR NEW.mac_key_id IS NOT OLD.mac_key_id
    OR NEW.mac IS NOT OLD.mac)
BEGIN
    SELECT RAISE(ABORT, 'an unsealed audit event changes only by being sealed');
END;
