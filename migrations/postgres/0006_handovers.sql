-- Handovers and referrals between agencies (domain.md §3), with the documents that go
-- with them. Decided only by the receiving agency; the hub only flags a late request.

-- Days the former lead keeps read-only FULL scope after a transfer (0: summary at once).
ALTER TABLE agencies ADD COLUMN former_lead_full_days INTEGER NOT NULL DEFAULT 0;

CREATE TABLE handovers (
    id                     UUID PRIMARY KEY,
    case_id                UUID NOT NULL REFERENCES cases (id),
    kind                   TEXT NOT NULL,
    from_agency_id         UUID NOT NULL REFERENCES agencies (id),
    to_agency_id           UUID NOT NULL REFERENCES agencies (id),
    requested_by_user_id   UUID NOT NULL REFERENCES users (id),
    reason                 TEXT NOT NULL,
    records                TEXT NOT NULL,
    status                 TEXT NOT NULL,
    requested_at           TIMESTAMPTZ NOT NULL,
    deadline_at            TIMESTAMPTZ NOT NULL,
    decided_at             TIMESTAMPTZ,
    decided_by_user_id     UUID REFERENCES users (id),
    decline_reason         TEXT,
    order_number           TEXT,
    order_date             DATE,
    receiver_curator_id    UUID REFERENCES users (id),
    service_result         TEXT,
    closed_at              TIMESTAMPTZ,
    version                INTEGER NOT NULL,
    updated_at             TIMESTAMPTZ NOT NULL
);
-- A case has at most one pending transfer (the database enforces it, also under races).
CREATE UNIQUE INDEX handovers_one_pending_transfer ON handovers (case_id)
    WHERE kind = 'TRANSFER' AND status = 'PENDING';
CREATE INDEX handovers_inbox ON handovers (to_agency_id, status, requested_at, id);
CREATE INDEX handovers_outbox ON handovers (from_agency_id, requested_at, id);
CREATE INDEX handovers_by_case ON handovers (case_id, requested_at);

CREATE TABLE handover_documents (
    id               UUID PRIMARY KEY,
    handover_id      UUID NOT NULL REFERENCES handovers (id),
    file_name        TEXT NOT NULL,
    content_type     TEXT NOT NULL,
    size_bytes       BIGINT NOT NULL,
    sha256           TEXT NOT NULL,
    -- The bytes, unless the operator keeps documents in a directory (then NULL).
    content          BYTEA,
    uploaded_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX handover_documents_by_handover ON handover_documents (handover_id);
