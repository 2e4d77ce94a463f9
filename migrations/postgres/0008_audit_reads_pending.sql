-- Read-audit events wait here until the sealer moves them into audit_events (see
-- src/audit/staged.rs). On SQLite the same table lives in the companion file
-- `<database>-reads`, beside the main file.

CREATE TABLE audit_reads_pending (
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
    details         TEXT NOT NULL
);
