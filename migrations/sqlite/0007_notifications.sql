-- E-mail notifications: the transactional outbox, the reminders raised, and what each
-- user turned off. Numbered 0007: 0006 is reserved for handovers.
-- UUIDs are 16-byte BLOBs, times RFC 3339 text in UTC.

-- One row per message (one recipient each). Written in the transaction of the event it
-- tells about; the mail worker sends it. Holds no personal data of the people a case is
-- about: the kind of event, a journal number, a due time, a record id for the link.
CREATE TABLE notifications (
    id                BLOB PRIMARY KEY NOT NULL,
    kind              TEXT NOT NULL,
    agency_id         BLOB NOT NULL REFERENCES agencies (id),
    recipient_user_id BLOB REFERENCES users (id),
    recipient         TEXT NOT NULL,
    language          TEXT NOT NULL,
    time_zone         TEXT NOT NULL,
    subject_kind      TEXT NOT NULL,
    subject_id        BLOB NOT NULL,
    journal_no        TEXT NOT NULL,
    clock             TEXT,
    due_at            TEXT,
    status            TEXT NOT NULL,
    attempts          INTEGER NOT NULL,
    round_attempts    INTEGER NOT NULL,
    next_attempt_at   TEXT NOT NULL,
    lease_owner       BLOB,
    lease_until       TEXT,
    last_attempt_at   TEXT,
    last_error        TEXT,
    sent_at           TEXT,
    created_at        TEXT NOT NULL
);
CREATE INDEX notifications_queue ON notifications (status, next_attempt_at);
CREATE INDEX notifications_by_agency ON notifications (agency_id, id);

-- One row per reminder raised: inserted if absent in the transaction that writes its
-- messages, so a reminder goes out once however many schedulers run, however often.
CREATE TABLE notification_reminders (
    subject_kind TEXT NOT NULL,
    subject_id   BLOB NOT NULL,
    occasion     TEXT NOT NULL,
    due_at       TEXT NOT NULL,
    raised_at    TEXT NOT NULL,
    PRIMARY KEY (subject_kind, subject_id, occasion, due_at)
);

-- Reminder kinds a user turned off for themselves.
CREATE TABLE notification_opt_outs (
    user_id BLOB NOT NULL REFERENCES users (id),
    kind    TEXT NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- The scheduler's scan: visit clocks still running.
CREATE INDEX signals_visit_running ON signals (visit_due_at)
    WHERE visited_at IS NULL AND dismissed_at IS NULL;
