-- The append-only audit log. Requests insert events unchained (hash NULL); one sealer
-- chains them in batches (chain_pos, prev_hash, hash). See src/audit/.

CREATE TABLE audit_events (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              BLOB NOT NULL UNIQUE,
    occurred_at     TEXT NOT NULL,
    actor_user_id   BLOB,
    actor_agency_id BLOB,
    action          TEXT NOT NULL,
    target_kind     TEXT NOT NULL,
    target_id       BLOB,
    case_id         BLOB,
    request_id      TEXT NOT NULL,
    details         TEXT NOT NULL,
    chain_pos       INTEGER UNIQUE,
    prev_hash       TEXT,
    hash            TEXT,
    sealed_at       TEXT
);
CREATE INDEX audit_events_unsealed ON audit_events (seq) WHERE hash IS NULL;
CREATE INDEX audit_events_by_agency ON audit_events (actor_agency_id, seq);
CREATE INDEX audit_events_by_case ON audit_events (case_id, seq);

-- The last sealed link, so that deleting the newest events also shows.
CREATE TABLE audit_chain_head (
    singleton INTEGER PRIMARY KEY NOT NULL CHECK (singleton = 1),
    chain_pos INTEGER NOT NULL,
    hash      TEXT NOT NULL
);

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;

CREATE TRIGGER audit_events_sealed_immutable BEFORE UPDATE ON audit_events
WHEN OLD.hash IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'sealed audit events are immutable');
END;
