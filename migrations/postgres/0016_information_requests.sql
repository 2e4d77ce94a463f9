-- Information requests between agencies (seeds-notes A4): the lead agency asks another
-- agency questions about a case by a due date; the receiver answers with text and
-- documents, and the answer is filed in the case. Numbered in the sender's journal
-- (REQ-2026-0001). The receiver sees only what identifies the person, while it is open.
CREATE TABLE information_requests (
    id                     UUID PRIMARY KEY,
    journal_no             TEXT NOT NULL,
    case_id                UUID NOT NULL REFERENCES cases (id),
    from_agency_id         UUID NOT NULL REFERENCES agencies (id),
    to_agency_id           UUID NOT NULL REFERENCES agencies (id),
    requested_by_user_id   UUID NOT NULL REFERENCES users (id),
    questions              TEXT NOT NULL,
    due_date               DATE NOT NULL,
    due_at                 TIMESTAMPTZ NOT NULL,
    status                 TEXT NOT NULL,
    requested_at           TIMESTAMPTZ NOT NULL,
    answer_text            TEXT,
    answered_at            TIMESTAMPTZ,
    answered_by_user_id    UUID REFERENCES users (id),
    withdraw_reason        TEXT,
    withdrawn_at           TIMESTAMPTZ,
    withdrawn_by_user_id   UUID REFERENCES users (id),
    version                INTEGER NOT NULL,
    updated_at             TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX information_requests_journal ON information_requests (from_agency_id, journal_no);
CREATE INDEX information_requests_inbox ON information_requests (to_agency_id, status, due_at, id);
CREATE INDEX information_requests_sent ON information_requests (from_agency_id, requested_at, id);
CREATE INDEX information_requests_by_case ON information_requests (case_id, requested_at);
CREATE INDEX information_requests_open_due ON information_requests (status, due_at);

CREATE TABLE information_request_documents (
    id                       UUID PRIMARY KEY,
    information_request_id   UUID NOT NULL REFERENCES information_requests (id),
    file_name                TEXT NOT NULL,
    content_type             TEXT NOT NULL,
    size_bytes               BIGINT NOT NULL,
    sha256                   TEXT NOT NULL,
    -- The bytes, unless the operator keeps documents in a directory (then NULL).
    content                  BYTEA,
    uploaded_at              TIMESTAMPTZ NOT NULL
);
CREATE INDEX information_request_documents_by_request
    ON information_request_documents (information_request_id);
