-- Signals and cases (domain.md §1–2): journals, the legal clocks, cases and who takes
-- part in them.

ALTER TABLE agencies ADD COLUMN caseload_limit INTEGER NOT NULL DEFAULT 9;

-- Journal numbers per agency, journal and (local) year: SIG-2026-0042, CASE-2026-0007.
CREATE TABLE journal_counters (
    agency_id   UUID NOT NULL REFERENCES agencies (id),
    journal     TEXT NOT NULL,
    year        INTEGER NOT NULL,
    last_number INTEGER NOT NULL,
    PRIMARY KEY (agency_id, journal, year)
);

CREATE TABLE cases (
    id                   UUID PRIMARY KEY,
    journal_no           TEXT NOT NULL,
    lead_agency_id       UUID NOT NULL REFERENCES agencies (id),
    curator_user_id      UUID REFERENCES users (id),
    signal_id            UUID,
    status               TEXT NOT NULL,
    shelter              BOOLEAN NOT NULL,
    child_birth_date     DATE,
    opened_at            TIMESTAMPTZ NOT NULL,
    status_changed_at    TIMESTAMPTZ NOT NULL,
    decision_due_at      TIMESTAMPTZ,
    extension_reason     TEXT,
    support_started_at   TIMESTAMPTZ,
    next_monitoring_at   TIMESTAMPTZ,
    closed_at            TIMESTAMPTZ,
    closure_reason       TEXT,
    exit_outcome         TEXT,
    signal_sheet         TEXT NOT NULL,
    version              INTEGER NOT NULL,
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX cases_journal_no ON cases (lead_agency_id, journal_no);
CREATE INDEX cases_by_curator ON cases (curator_user_id, status);

-- How an agency reaches a case (src/access/participation.rs): granted and revoked only
-- by workflow events.
CREATE TABLE participations (
    id          UUID PRIMARY KEY,
    case_id     UUID NOT NULL REFERENCES cases (id),
    agency_id   UUID NOT NULL REFERENCES agencies (id),
    kind        TEXT NOT NULL,
    scope       TEXT NOT NULL,
    granted_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ,
    revoked_at  TIMESTAMPTZ
);
CREATE INDEX participations_by_agency ON participations (agency_id, case_id) WHERE revoked_at IS NULL;
CREATE INDEX participations_by_case ON participations (case_id, agency_id);

CREATE TABLE case_persons (
    id                 UUID PRIMARY KEY,
    case_id            UUID NOT NULL REFERENCES cases (id),
    role               TEXT NOT NULL,
    full_name          TEXT NOT NULL,
    birth_date         DATE,
    phone              TEXT,
    address_registered TEXT,
    address_actual     TEXT,
    stance             TEXT,
    notes              TEXT,
    created_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_persons_by_case ON case_persons (case_id);

CREATE TABLE consents (
    id               UUID PRIMARY KEY,
    case_id          UUID NOT NULL REFERENCES cases (id),
    kind             TEXT NOT NULL,
    signed_by        TEXT NOT NULL,
    signed_at        TIMESTAMPTZ NOT NULL,
    recorded_by      UUID NOT NULL REFERENCES users (id),
    recorded_at      TIMESTAMPTZ NOT NULL,
    withdrawn_at     TIMESTAMPTZ,
    withdrawal_note  TEXT
);
CREATE INDEX consents_by_case ON consents (case_id);

CREATE TABLE consent_agencies (
    consent_id UUID NOT NULL REFERENCES consents (id),
    agency_id  UUID NOT NULL REFERENCES agencies (id),
    PRIMARY KEY (consent_id, agency_id)
);

-- What happened to a case, for caseTimeline: every transition timed and attributed.
CREATE TABLE case_events (
    id              UUID PRIMARY KEY,
    case_id         UUID NOT NULL REFERENCES cases (id),
    occurred_at     TIMESTAMPTZ NOT NULL,
    actor_user_id   UUID,
    actor_agency_id UUID,
    kind            TEXT NOT NULL,
    from_status     TEXT,
    to_status       TEXT,
    details         TEXT NOT NULL
);
CREATE INDEX case_events_by_case ON case_events (case_id, occurred_at, id);

CREATE TABLE signals (
    id                          UUID PRIMARY KEY,
    source                      TEXT NOT NULL,
    sender_agency_id            UUID REFERENCES agencies (id),
    sender_journal_no           TEXT,
    service_agency_id           UUID NOT NULL REFERENCES agencies (id),
    service_journal_no          TEXT,
    status                      TEXT NOT NULL,
    mother_full_name            TEXT NOT NULL,
    mother_birth_date           DATE,
    mother_phone                TEXT,
    address_registered          TEXT,
    address_actual              TEXT,
    address_ambulance_from      TEXT,
    child_born_at               TIMESTAMPTZ,
    child_sex                   TEXT,
    child_health_notes          TEXT,
    in_ward_with_child          BOOLEAN NOT NULL,
    source_contact              TEXT,
    situation                   TEXT NOT NULL,
    intent_or_fact_of_refusal   BOOLEAN NOT NULL,
    threat_of_removal           BOOLEAN NOT NULL,
    fact_of_removal             BOOLEAN NOT NULL,
    risk_of_voluntary_placement BOOLEAN NOT NULL,
    fact_of_voluntary_placement BOOLEAN NOT NULL,
    no_housing                  BOOLEAN NOT NULL,
    no_means_of_living          BOOLEAN NOT NULL,
    low_parenting_competence    BOOLEAN NOT NULL,
    detected_at                 TIMESTAMPTZ,
    registered_at               TIMESTAMPTZ,
    passed_at                   TIMESTAMPTZ,
    received_at                 TIMESTAMPTZ,
    specialist_due_at           TIMESTAMPTZ,
    passing_due_at              TIMESTAMPTZ,
    visit_due_at                TIMESTAMPTZ,
    curator_user_id             UUID REFERENCES users (id),
    curator_assigned_at         TIMESTAMPTZ,
    curator_override_reason     TEXT,
    visited_at                  TIMESTAMPTZ,
    visit_report                TEXT,
    case_id                     UUID REFERENCES cases (id),
    dismissed_at                TIMESTAMPTZ,
    dismissal_reason            TEXT,
    created_by                  UUID NOT NULL REFERENCES users (id),
    created_at                  TIMESTAMPTZ NOT NULL,
    updated_at                  TIMESTAMPTZ NOT NULL,
    version                     INTEGER NOT NULL
);
CREATE INDEX signals_by_service ON signals (service_agency_id, created_at, id);
CREATE INDEX signals_by_sender ON signals (sender_agency_id, created_at, id);
