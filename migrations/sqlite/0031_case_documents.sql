-- The personal file (личное дело, seeds-notes A1, issue 16): a case's own documents, each
-- typed, checked and stored as handover documents are (type read from the content,
-- SHA-256, the bytes in the row or in the documents directory). A document is removed
-- softly: the row stays, with who removed it, when and why.
CREATE TABLE case_documents (
    id                    BLOB PRIMARY KEY NOT NULL,
    case_id               BLOB NOT NULL REFERENCES cases (id),
    doc_type              TEXT NOT NULL,
    title                 TEXT,
    file_name             TEXT NOT NULL,
    content_type          TEXT NOT NULL,
    size_bytes            INTEGER NOT NULL,
    sha256                TEXT NOT NULL,
    -- The bytes, unless the operator keeps documents in a directory (then NULL).
    content               BLOB,
    uploaded_at           TEXT NOT NULL,
    uploaded_by_user_id   BLOB NOT NULL REFERENCES users (id),
    uploaded_by_agency_id BLOB NOT NULL REFERENCES agencies (id),
    removed_at            TEXT,
    removed_by_user_id    BLOB REFERENCES users (id),
    removal_reason        TEXT
);
CREATE INDEX case_documents_by_case ON case_documents (case_id, uploaded_at);

-- A handover's document copied from the case's file names the file's document.
ALTER TABLE handover_documents ADD COLUMN case_document_id BLOB REFERENCES case_documents (id);
