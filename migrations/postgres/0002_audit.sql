-- The append-only audit log. Requests insert events unchained (hash NULL); one sealer
-- chains them in batches (chain_pos, prev_hash, hash). See src/audit/.

CREATE TABLE audit_events (
    seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id              UUID NOT NULL UNIQUE,
    occurred_at     TIMESTAMPTZ NOT NULL,
    actor_user_id   UUID,
    actor_agency_id UUID,
    action          TEXT NOT NULL,
    target_kind     TEXT NOT NULL,
    target_id       UUID,
    case_id         UUID,
    request_id      TEXT NOT NULL,
    details         TEXT NOT NULL,
    chain_pos       BIGINT UNIQUE,
    prev_hash       TEXT,
    hash            TEXT,
    sealed_at       TIMESTAMPTZ
);
CREATE INDEX audit_events_unsealed ON audit_events (seq) WHERE hash IS NULL;
CREATE INDEX audit_events_by_agency ON audit_events (actor_agency_id, seq);
CREATE INDEX audit_events_by_case ON audit_events (case_id, seq);

-- The last sealed link, so that deleting the newest events also shows.
CREATE TABLE audit_chain_head (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    chain_pos BIGINT NOT NULL,
    hash      TEXT NOT NULL
);

CREATE FUNCTION audit_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit events are append-only';
    END IF;
    IF OLD.hash IS NOT NULL THEN
        RAISE EXCEPTION 'sealed audit events are immutable';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER audit_events_guard BEFORE UPDATE OR DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_guard();
