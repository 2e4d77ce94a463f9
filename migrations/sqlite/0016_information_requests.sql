-- Information requests between agencies (seeds-notes A4): the lead agency asks another
-- agency questions about a case by a due date; the receiver answers with text and
-- documents, and the answer is filed in the case. Numbered in the sender's journal
-- (REQ-2026-0001). The receiver sees only what identifies the person, while it is open.
CREATE TABLE information_requests (
    id                     BLOB PRIMARY KEY NOT NULL,
    journal_no             TEXT NOT NULL,
    case_id                BLOB NOT NULL REFERENCES cases (id),
    from_agency_id         BLOB NOT NULL REFERENCES agencies (id),
    to_agency_id           BLOB NOT NULL REFERENCES agencies (id),
    requested_by_user_id   BLOB NOT NULL REFERENCES users (id),
    questions              TEXT NOT NULL,
    due_date               TEXT NOT NULL,
    due_at                 TEXT NOT NULL,
    status                 TEXT NOT NULL,
    requested_at           TEXT NOT NULL,
    answer_text            TEXT,
    answered_at            TEXT,
    answered_by_user_id    BLOB REFERENCES users (id),
    withdraw_reason        TEXT,
    withdrawn_at           TEXT,
    withdrawn_by_user_id   BLOB REFERENCES users (id),
    version                INTEGER NOT NULL,
    updated_at             TEXT NOT NULL
);
CREATE UNIQUE INDEX information_requests_journal ON information_requests (from_agency_id, journal_no);
CREATE INDEX information_requests_inbox ON information_requests (to_agency_id, status, due_at, id);
CREATE INDEX information_requests_sent ON information_requests (from_agency_id, requested_at, id);
CREATE INDEX information_requests_by_case ON information_requests (case_id, requested_at);
CREATE INDEX information_requests_open_due ON information_requests (status, due_at);

CREATE TABLE information_request_documents (
    id                       BLOB PRIMARY KEY NOT NULL,
    information_request_id   BLOB NOT NULL REFERENCES information_requests (id),
    file_name                TEXT NOT NULL,
    content_type             TEXT NOT NULL,
    size_bytes               INTEGER NOT NULL,
    sha256                   TEXT NOT NULL,
    -- The bytes, unless the operator keeps documents in a directory (then NULL).
    content                  BLOB,
    uploaded_at              TEXT NOT NULL
);
CREATE INDEX information_request_documents_by_request
    ON information_request_documents (information_request_id);
