-- The interagency working group, MRG (domain.md section 4, seeds-notes A7): groups with
-- members (chair, secretary, member) and external participants without an account,
-- submissions of cases by their lead agency, meetings with an agenda and attendance,
-- minutes per agenda item in three stages, recommendations followed up with dated notes,
-- and amendments to approved minutes. Stage 1's information points and stage 2's
-- services are kept as JSON text on the item (read and written whole with it).
CREATE TABLE mrg_groups (
    id                   UUID PRIMARY KEY,
    name                 TEXT NOT NULL,
    territory            TEXT NOT NULL,
    -- The convening agency: its journal numbers the meetings, its time zone dates them.
    agency_id            UUID NOT NULL REFERENCES agencies (id),
    created_by_user_id   UUID NOT NULL REFERENCES users (id),
    created_at           TIMESTAMPTZ NOT NULL
);

CREATE TABLE mrg_group_members (
    id          UUID PRIMARY KEY,
    group_id    UUID NOT NULL REFERENCES mrg_groups (id),
    user_id     UUID NOT NULL REFERENCES users (id),
    agency_id   UUID NOT NULL REFERENCES agencies (id),
    role        TEXT NOT NULL,
    added_at    TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX mrg_group_members_user ON mrg_group_members (group_id, user_id);
CREATE INDEX mrg_group_members_by_agency ON mrg_group_members (agency_id, group_id);

CREATE TABLE mrg_external_participants (
    id             UUID PRIMARY KEY,
    group_id       UUID NOT NULL REFERENCES mrg_groups (id),
    full_name      TEXT NOT NULL,
    organisation   TEXT NOT NULL,
    position       TEXT NOT NULL,
    added_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX mrg_external_participants_by_group ON mrg_external_participants (group_id);

CREATE TABLE mrg_meetings (
    id                    UUID PRIMARY KEY,
    group_id              UUID NOT NULL REFERENCES mrg_groups (id),
    journal_no            TEXT NOT NULL,
    starts_at             TIMESTAMPTZ NOT NULL,
    place                 TEXT,
    remote_link           TEXT,
    kind                  TEXT NOT NULL,
    format                TEXT NOT NULL,
    family_attends        BOOLEAN NOT NULL,
    minutes_status        TEXT NOT NULL,
    approved_at           TIMESTAMPTZ,
    approved_by_user_id   UUID REFERENCES users (id),
    created_by_user_id    UUID NOT NULL REFERENCES users (id),
    created_at            TIMESTAMPTZ NOT NULL,
    version               INTEGER NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL
);
CREATE INDEX mrg_meetings_by_group ON mrg_meetings (group_id, starts_at, id);

CREATE TABLE mrg_submissions (
    id                     UUID PRIMARY KEY,
    group_id               UUID NOT NULL REFERENCES mrg_groups (id),
    case_id                UUID NOT NULL REFERENCES cases (id),
    lead_agency_id         UUID NOT NULL REFERENCES agencies (id),
    submitted_by_user_id   UUID NOT NULL REFERENCES users (id),
    question               TEXT NOT NULL,
    needs                  TEXT NOT NULL,
    capacity               TEXT NOT NULL,
    resources              TEXT NOT NULL,
    status                 TEXT NOT NULL,
    meeting_id             UUID REFERENCES mrg_meetings (id),
    submitted_at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX mrg_submissions_by_group ON mrg_submissions (group_id, status, submitted_at);

CREATE TABLE mrg_agenda_items (
    id                       UUID PRIMARY KEY,
    meeting_id               UUID NOT NULL REFERENCES mrg_meetings (id),
    position                 INTEGER NOT NULL,
    case_id                  UUID REFERENCES cases (id),
    submission_id            UUID REFERENCES mrg_submissions (id),
    lead_agency_id           UUID REFERENCES agencies (id),
    topic                    TEXT,
    information              TEXT NOT NULL,
    child_opinion            TEXT,
    child_not_heard_reason   TEXT,
    family_participated      BOOLEAN,
    family_position          TEXT,
    services                 TEXT NOT NULL,
    long_term_goal           TEXT,
    decision                 TEXT,
    version                  INTEGER NOT NULL,
    updated_at               TIMESTAMPTZ NOT NULL,
    updated_by_user_id       UUID REFERENCES users (id)
);
CREATE INDEX mrg_agenda_items_by_meeting ON mrg_agenda_items (meeting_id, position);
CREATE INDEX mrg_agenda_items_by_case ON mrg_agenda_items (case_id);

CREATE TABLE mrg_attendance (
    id                        UUID PRIMARY KEY,
    meeting_id                UUID NOT NULL REFERENCES mrg_meetings (id),
    position                  INTEGER NOT NULL,
    user_id                   UUID REFERENCES users (id),
    agency_id                 UUID REFERENCES agencies (id),
    external_participant_id   UUID REFERENCES mrg_external_participants (id),
    full_name                 TEXT NOT NULL,
    organisation              TEXT NOT NULL,
    position_title            TEXT
);
CREATE INDEX mrg_attendance_by_meeting ON mrg_attendance (meeting_id, position);

CREATE TABLE mrg_recommendations (
    id                   UUID PRIMARY KEY,
    item_id              UUID NOT NULL REFERENCES mrg_agenda_items (id),
    meeting_id           UUID NOT NULL REFERENCES mrg_meetings (id),
    group_id             UUID NOT NULL REFERENCES mrg_groups (id),
    case_id              UUID NOT NULL REFERENCES cases (id),
    position             INTEGER NOT NULL,
    text                 TEXT NOT NULL,
    addressee            TEXT NOT NULL,
    -- The agency that answers for it: the addressee, or for the family the case's lead.
    agency_id            UUID NOT NULL REFERENCES agencies (id),
    responsible_person   TEXT,
    due_date             DATE NOT NULL,
    due_at               TIMESTAMPTZ NOT NULL,
    status               TEXT NOT NULL,
    approved             BOOLEAN NOT NULL,
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL,
    version              INTEGER NOT NULL
);
CREATE INDEX mrg_recommendations_by_item ON mrg_recommendations (item_id, position);
CREATE INDEX mrg_recommendations_by_agency ON mrg_recommendations (agency_id, approved, due_at, id);
CREATE INDEX mrg_recommendations_by_group ON mrg_recommendations (group_id, approved, due_at, id);
CREATE INDEX mrg_recommendations_by_case ON mrg_recommendations (case_id, due_at);
CREATE INDEX mrg_recommendations_due ON mrg_recommendations (approved, status, due_at);

CREATE TABLE mrg_recommendation_notes (
    id                  UUID PRIMARY KEY,
    recommendation_id   UUID NOT NULL REFERENCES mrg_recommendations (id),
    agency_id           UUID NOT NULL REFERENCES agencies (id),
    user_id             UUID NOT NULL REFERENCES users (id),
    status              TEXT NOT NULL,
    note                TEXT NOT NULL,
    noted_at            TIMESTAMPTZ NOT NULL
);
CREATE INDEX mrg_recommendation_notes_by_recommendation
    ON mrg_recommendation_notes (recommendation_id, noted_at);

CREATE TABLE mrg_amendments (
    id               UUID PRIMARY KEY,
    meeting_id       UUID NOT NULL REFERENCES mrg_meetings (id),
    item_id          UUID REFERENCES mrg_agenda_items (id),
    author_user_id   UUID NOT NULL REFERENCES users (id),
    reason           TEXT NOT NULL,
    text             TEXT NOT NULL,
    amended_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX mrg_amendments_by_meeting ON mrg_amendments (meeting_id, amended_at);
