-- Handovers and referrals between agencies (domain.md §3), with the documents that go
-- with them. Decided only by the receiving agency; the hub only flags a late request.

-- Days the former lead keeps read-only FULL scope after a transfer (0: summary at once).
ALTER TABLE agencies ADD COLUMN former_lead_full_days INTEGER NOT NULL DEFAULT 0;

CREATE TABLE handovers (
    id                     BLOB PRIMARY KEY NOT NULL,
    case_id                BLOB NOT NULL REFERENCES cases (id),
    kind                   TEXT NOT NULL,
    from_agency_id         BLOB NOT NULL REFERENCES agencies (id),
    to_agency_id           BLOB NOT NULL REFERENCES agencies (id),
    requested_by_user_id   BLOB NOT NULL REFERENCES users (id),
    reason                 TEXT NOT NULL,
    records                TEXT NOT NULL,
    status                 TEXT NOT NULL,
    requested_at           TEXT NOT NULL,
    deadline_at            TEXT NOT NULL,
    decided_at             TEXT,
    decided_by_user_id     BLOB REFERENCES users (id),
    decline_reason         TEXT,
    order_number           TEXT,
    order_date             TEXT,
    receiver_curator_id    BLOB REFERENCES users (id),
    service_result         TEXT,
    closed_at              TEXT,
    version                INTEGER NOT NULL,
    updated_at             TEXT NOT NULL
);
-- A case has at most one pending transfer (the database enforces it, also under races).
CREATE UNIQUE INDEX handovers_one_pending_transfer ON handovers (case_id)
    WHERE kind = 'TRANSFER' AND status = 'PENDING';
CREATE INDEX handovers_inbox ON handovers (to_agency_id, status, requested_at, id);
CREATE INDEX handovers_outbox ON handovers (from_agency_id, requested_at, id);
CREATE INDEX handovers_by_case ON handovers (case_id, requested_at);

CREATE TABLE handover_documents (
    id               BLOB PRIMARY KEY NOT NULL,
    handover_id      BLOB NOT NULL REFERENCES handovers (id),
    file_name        TEXT NOT NULL,
    content_type     TEXT NOT NULL,
    size_bytes       INTEGER NOT NULL,
    sha256           TEXT NOT NULL,
    -- The bytes, unless the operator keeps documents in a directory (then NULL).
    content          BLOB,
    uploaded_at      TEXT NOT NULL
);
CREATE INDEX handover_documents_by_handover ON handover_documents (handover_id);
