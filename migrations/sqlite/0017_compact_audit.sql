-- Compact audit events (issue 13; docs/decisions.md "Compact audit events"). The table is
-- rebuilt with the same content in less space:
-- - MACs, links and key ids are stored as bytes (BLOB), not hex text; the algorithms
--   still read them as the same lowercase hex, so every existing link still verifies;
-- - prev_hash is gone: verify takes it from the previous position's hash;
-- - the UNIQUE index on id is gone: staged reads are moved exactly once by the sealer
--   (a watermark on SQLite, the same transaction on PostgreSQL), not by ON CONFLICT (id);
-- - details may be NULL when `reads` holds a read event's records as small numbers into
--   audit_subjects (src/audit/compact.rs); the MAC still covers the JSON text, which is
--   rebuilt byte for byte from them;
-- - a request id that is a UUID is stored as one (request_uuid, 16 bytes), others as text;
-- - a moved read event's mac_key_id is NULL when it is its seal_key_id;
-- - the case index skips events without a case.
-- Existing events keep their JSON details: they verify as before.

DROP TRIGGER audit_events_no_delete;
DROP TRIGGER audit_events_sealed_immutable;
DROP TRIGGER audit_events_unsealed_only_sealed;
DROP INDEX audit_events_unsealed;
DROP INDEX audit_events_by_agency;
DROP INDEX audit_events_by_case;

CREATE TABLE audit_events_new (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              BLOB NOT NULL,
    occurred_at     TEXT NOT NULL,
    actor_user_id   BLOB,
    actor_agency_id BLOB,
    action          TEXT NOT NULL,
    target_kind     TEXT NOT NULL,
    target_id       BLOB,
    case_id         BLOB,
    request_id      TEXT,
    request_uuid    BLOB,
    details         TEXT,
    reads           BLOB,
    chain_pos       INTEGER,
    hash            BLOB,
    sealed_at       TEXT,
    mac_key_id      BLOB,
    mac             BLOB,
    seal_key_id     BLOB,
    CHECK ((details IS NULL) <> (reads IS NULL)),
    CHECK ((request_id IS NULL) <> (request_uuid IS NULL))
);
INSERT INTO audit_events_new (seq, id, occurred_at, actor_user_id, actor_agency_id, action,
    target_kind, target_id, case_id, request_id, details, reads, chain_pos, hash, sealed_at,
    mac_key_id, mac, seal_key_id)
SELECT seq, id, occurred_at, actor_user_id, actor_agency_id, action, target_kind, target_id,
    case_id, request_id, details, NULL, chain_pos, unhex(hash), sealed_at, unhex(mac_key_id),
    unhex(mac), unhex(seal_key_id)
FROM audit_events ORDER BY seq;
DROP TABLE audit_events;
ALTER TABLE audit_events_new RENAME TO audit_events;

CREATE UNIQUE INDEX audit_events_chain ON audit_events (chain_pos);
CREATE INDEX audit_events_unsealed ON audit_events (seq) WHERE hash IS NULL;
CREATE INDEX audit_events_by_agency ON audit_events (actor_agency_id, seq);
CREATE INDEX audit_events_by_case ON audit_events (case_id, seq) WHERE case_id IS NOT NULL;

-- The records read events name, numbered once: a read event stores their numbers.
CREATE TABLE audit_subjects (
    n  INTEGER PRIMARY KEY,
    id BLOB NOT NULL UNIQUE
);

-- The last staging number the sealer moved from the companion file: a move commits with
-- it, so a move repeated after a crash (before the companion's clean-up) skips them.
CREATE TABLE audit_staging_moved (
    singleton INTEGER PRIMARY KEY NOT NULL CHECK (singleton = 1),
    seq       INTEGER NOT NULL
);

-- The guards, as before (0002, 0010), on the new columns. Deleting is refused except the
-- archival of a sealed prefix (0017 below: audit_archive_cut).
CREATE TABLE audit_archive_cut (
    singleton INTEGER PRIMARY KEY NOT NULL CHECK (singleton = 1),
    chain_pos INTEGER NOT NULL
);

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
WHEN OLD.chain_pos IS NULL
  OR OLD.chain_pos > COALESCE((SELECT chain_pos FROM audit_archive_cut WHERE singleton = 1), 0)
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;

CREATE TRIGGER audit_events_sealed_immutable BEFORE UPDATE ON audit_events
WHEN OLD.hash IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'sealed audit events are immutable');
END;

CREATE TRIGGER audit_events_unsealed_only_sealed BEFORE UPDATE ON audit_events
WHEN OLD.hash IS NULL AND (
    NEW.seq IS NOT OLD.seq OR NEW.id IS NOT OLD.id OR NEW.occurred_at IS NOT OLD.occurred_at
    OR NEW.actor_user_id IS NOT OLD.actor_user_id
    OR NEW.actor_agency_id IS NOT OLD.actor_agency_id OR NEW.action IS NOT OLD.action
    OR NEW.target_kind IS NOT OLD.target_kind OR NEW.target_id IS NOT OLD.target_id
    OR NEW.case_id IS NOT OLD.case_id OR NEW.request_id IS NOT OLD.request_id
    OR NEW.request_uuid IS NOT OLD.request_uuid
    OR NEW.details IS NOT OLD.details OR NEW.reads IS NOT OLD.reads
    OR NEW.mac_key_id IS NOT OLD.mac_key_id OR NEW.mac IS NOT OLD.mac)
BEGIN
    SELECT RAISE(ABORT, 'an unsealed audit event changes only by being sealed');
END;

CREATE TRIGGER audit_subjects_immutable BEFORE UPDATE ON audit_subjects
BEGIN
    SELECT RAISE(ABORT, 'audit subjects are never changed');
END;

CREATE TRIGGER audit_subjects_no_delete BEFORE DELETE ON audit_subjects
BEGIN
    SELECT RAISE(ABORT, 'audit subjects are never removed');
END;

-- The archive cut only moves forward.
CREATE TRIGGER audit_archive_cut_forward BEFORE UPDATE ON audit_archive_cut
WHEN NEW.chain_pos < OLD.chain_pos
BEGIN
    SELECT RAISE(ABORT, 'the audit archive cut only moves forward');
END;

CREATE TRIGGER audit_archive_cut_no_delete BEFORE DELETE ON audit_archive_cut
BEGIN
    SELECT RAISE(ABORT, 'the audit archive cut is never removed');
END;
