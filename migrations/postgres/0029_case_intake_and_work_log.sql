-- Case work for every agency that leads (issue 16; domain.md §2, seeds-notes A2, A9):
-- an intake registered in the agency's own journal opens a case with it as lead, and
-- records the child's placement; the work log (журнал работы) keeps what each
-- specialist did, when and how long; the contact clock holds the last day of real
-- contact, from which a case with no contact for longer than the lead's setting is
-- flagged and reminded once. The words (the intake's reason, the placement's place, an
-- entry's content) are personal data, read in FULL only.
ALTER TABLE agencies ADD COLUMN no_contact_alert_days INTEGER NOT NULL DEFAULT 14;

CREATE TABLE case_intakes (
    case_id                UUID PRIMARY KEY REFERENCES cases (id),
    agency_id              UUID NOT NULL REFERENCES agencies (id),
    intake_no              TEXT NOT NULL,
    source                 TEXT NOT NULL,
    registered_on          DATE NOT NULL,
    referred_by            TEXT,
    reason                 TEXT NOT NULL,
    placed_since           DATE,
    placed_where           TEXT,
    placement_basis        TEXT,
    registered_by_user_id  UUID NOT NULL REFERENCES users (id),
    registered_at          TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX case_intakes_number ON case_intakes (agency_id, intake_no);

CREATE TABLE case_work_log (
    id                     UUID PRIMARY KEY,
    case_id                UUID NOT NULL REFERENCES cases (id),
    agency_id              UUID NOT NULL REFERENCES agencies (id),
    kind                   TEXT NOT NULL,
    occurred_on            DATE NOT NULL,
    specialist_user_id     UUID NOT NULL REFERENCES users (id),
    duration_minutes       INTEGER NOT NULL,
    content                TEXT NOT NULL,
    recorded_by_user_id    UUID NOT NULL REFERENCES users (id),
    recorded_at            TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_work_log_by_case ON case_work_log (case_id, occurred_on, recorded_at);

CREATE TABLE case_contact_clock (
    case_id                UUID PRIMARY KEY REFERENCES cases (id),
    last_contact_on        DATE NOT NULL,
    -- When the no-contact flag rises, with the lead's setting when last written.
    alert_at               TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_contact_clock_alert ON case_contact_clock (alert_at);
