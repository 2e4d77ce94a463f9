-- The monitoring sheet (лист регистрации данных мониторинга; seed 001, issue 16): weekly
-- during decision work, every 3 months during support. Who took part, the effect and
-- its causes, progress per plan task (JSON: task id and note) and the decision. The
-- date, stage, decision and next due day are the summary; the rest is personal data,
-- read in FULL only. The case's `next_monitoring_at` is the end of the next due day in
-- the lead's time zone; overdue reviews are found by it.
CREATE TABLE case_monitoring (
    id                     BLOB PRIMARY KEY NOT NULL,
    case_id                BLOB NOT NULL REFERENCES cases (id),
    agency_id              BLOB NOT NULL REFERENCES agencies (id),
    occurred_on            TEXT NOT NULL,
    stage                  TEXT NOT NULL,
    curator_took_part      INTEGER NOT NULL,
    head_took_part         INTEGER NOT NULL,
    supervisor_name        TEXT,
    effect                 TEXT NOT NULL,
    causes                 TEXT,
    progress               TEXT NOT NULL,
    decision               TEXT NOT NULL,
    next_due_on            TEXT NOT NULL,
    recorded_by_user_id    BLOB NOT NULL REFERENCES users (id),
    recorded_at            TEXT NOT NULL
);
CREATE INDEX case_monitoring_by_case ON case_monitoring (case_id, occurred_on, recorded_at);
CREATE INDEX cases_monitoring_due ON cases (status, next_monitoring_at);
