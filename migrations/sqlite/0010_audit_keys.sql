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

-- The latest checkpoint may be mailed to an auditor through the outbox
-- (src/notify/audit_checkpoint.rs). That message goes to no agency, and carries the
-- checkpoint (position, hash, key id, signature: no personal data) in `details`. SQLite
-- cannot drop a NOT NULL, so the table is rebuilt (nothing references it).
CREATE TABLE notifications_new (
    id                BLOB PRIMARY KEY NOT NULL,
    kind              TEXT NOT NULL,
    agency_id         BLOB REFERENCES agencies (id),
    recipient_user_id BLOB REFERENCES users (id),
    recipient         TEXT NOT NULL,
    language          TEXT NOT NULL,
    time_zone         TEXT NOT NULL,
    subject_kind      TEXT NOT NULL,
    subject_id        BLOB NOT NULL,
    journal_no        TEXT NOT NULL,
    clock             TEXT,
    due_at            TEXT,
    status            TEXT NOT NULL,
    attempts          INTEGER NOT NULL,
    round_attempts    INTEGER NOT NULL,
    next_attempt_at   TEXT NOT NULL,
    lease_owner       BLOB,
    lease_until       TEXT,
    last_attempt_at   TEXT,
    last_error        TEXT,
    sent_at           TEXT,
    created_at        TEXT NOT NULL,
    details           TEXT
);
INSERT INTO notifications_new (id, kind, agency_id, recipient_user_id, recipient, language,
    time_zone, subject_kind, subject_id, journal_no, clock, due_at, status, attempts,
    round_attempts, next_attempt_at, lease_owner, lease_until, last_attempt_at, last_error,
    sent_at, created_at)
SELECT id, kind, agency_id, recipient_user_id, recipient, language, time_zone, subject_kind,
    subject_id, journal_no, clock, due_at, status, attempts, round_attempts, next_attempt_at,
    lease_owner, lease_until, last_attempt_at, last_error, sent_at, created_at
FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_queue ON notifications (status, next_attempt_at);
CREATE INDEX notifications_by_agency ON notifications (agency_id, id);
