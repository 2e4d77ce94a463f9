-- Reunification (domain.md §6, seeds-notes A8, seed 003's three blocks): a
-- rehabilitation centre (СРЦН) that holds a child brings the child home. One record per
-- case, with the latest stage of each track (the child's, the family's, after the
-- return), and a timeline of entries: progress reports, diagnostics, patronage visits,
-- the joint control inspection of living conditions (each participating agency confirms
-- its part), the return, information passed after it, and the end of preventive work.
-- Stages, dates and verdicts are the summary; the words of an entry (`content`, JSON)
-- are personal data, read in FULL only.
ALTER TABLE agencies ADD COLUMN reunification_report_days INTEGER NOT NULL DEFAULT 30;

CREATE TABLE reunifications (
    id                     UUID PRIMARY KEY,
    case_id                UUID NOT NULL UNIQUE REFERENCES cases (id),
    centre_agency_id       UUID NOT NULL REFERENCES agencies (id),
    placed_on              DATE NOT NULL,
    placement_basis        TEXT NOT NULL,
    status                 TEXT NOT NULL,
    child_stage            TEXT NOT NULL,
    family_stage           TEXT,
    after_stage            TEXT,
    inspection_planned_on  DATE,
    inspection_verdict     TEXT,
    returned_on            DATE,
    returned_without_inspection BOOLEAN NOT NULL DEFAULT FALSE,
    ended_on               DATE,
    last_report_at         TIMESTAMPTZ,
    report_due_at          TIMESTAMPTZ NOT NULL,
    started_by_user_id     UUID NOT NULL REFERENCES users (id),
    started_at             TIMESTAMPTZ NOT NULL,
    version                INTEGER NOT NULL,
    updated_at             TIMESTAMPTZ NOT NULL
);
CREATE INDEX reunifications_in_care ON reunifications (centre_agency_id, started_at, id);
CREATE INDEX reunifications_report_due ON reunifications (status, report_due_at);
CREATE INDEX reunifications_inspection_due ON reunifications (status, inspection_planned_on);

CREATE TABLE reunification_entries (
    id                     UUID PRIMARY KEY,
    reunification_id       UUID NOT NULL REFERENCES reunifications (id),
    case_id                UUID NOT NULL REFERENCES cases (id),
    kind                   TEXT NOT NULL,
    track                  TEXT,
    stage                  TEXT,
    occurred_on            DATE NOT NULL,
    verdict                TEXT,
    agency_id              UUID NOT NULL REFERENCES agencies (id),
    addressee_agency_id    UUID REFERENCES agencies (id),
    author_user_id         UUID NOT NULL REFERENCES users (id),
    content                TEXT NOT NULL,
    recorded_at            TIMESTAMPTZ NOT NULL
);
CREATE INDEX reunification_entries_timeline
    ON reunification_entries (reunification_id, occurred_on, recorded_at);

CREATE TABLE reunification_inspection_parties (
    entry_id               UUID NOT NULL REFERENCES reunification_entries (id),
    agency_id              UUID NOT NULL REFERENCES agencies (id),
    confirmed_at           TIMESTAMPTZ,
    confirmed_by_user_id   UUID REFERENCES users (id),
    remark                 TEXT,
    PRIMARY KEY (entry_id, agency_id)
);
CREATE INDEX reunification_inspection_parties_by_agency
    ON reunification_inspection_parties (agency_id, confirmed_at);
