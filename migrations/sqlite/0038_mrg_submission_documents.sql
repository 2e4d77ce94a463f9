-- Attachments of an MRG submission (issue 15): documents the lead picked from the case's
-- personal file, copied as a handover's package copies them (the group reads what was
-- submitted even if the file changes later). The bytes are in the row, or in the
-- documents directory under the copy's id.
CREATE TABLE mrg_submission_documents (
    id               BLOB PRIMARY KEY NOT NULL,
    submission_id    BLOB NOT NULL REFERENCES mrg_submissions (id),
    case_document_id BLOB NOT NULL REFERENCES case_documents (id),
    doc_type         TEXT NOT NULL,
    title            TEXT,
    file_name        TEXT NOT NULL,
    content_type     TEXT NOT NULL,
    size_bytes       INTEGER NOT NULL,
    sha256           TEXT NOT NULL,
    -- The bytes, unless the operator keeps documents in a directory (then NULL).
    content          BLOB,
    uploaded_at      TEXT NOT NULL,
    attached_at      TEXT NOT NULL
);
CREATE INDEX mrg_submission_documents_by_submission
    ON mrg_submission_documents (submission_id, attached_at);
