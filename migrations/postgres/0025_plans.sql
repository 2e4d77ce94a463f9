-- Plans with tasks for each agency (domain.md §5, seeds-notes A6, issue 16): the
-- decision-change plan, the long-term support plan, the family's and the child's ИПСР,
-- the ИППСУ and the shelter's individual plan. A plan has numbered versions (each one a
-- snapshot of its header and tasks, kept for reading and comparing); its tasks keep their
-- ids across versions and carry the responsible agency's status.
CREATE TABLE plans (
    id                   UUID PRIMARY KEY,
    case_id              UUID NOT NULL REFERENCES cases (id),
    kind                 TEXT NOT NULL,
    status               TEXT NOT NULL,
    -- The version people read now; 0 for a shelter's "no plan, with a reason".
    current_version      INTEGER NOT NULL,
    due_on               DATE,
    settled_on           DATE,
    term_until           DATE,
    next_review_on       DATE,
    no_plan_reason       TEXT,
    conclusion           TEXT,
    closed_at            TIMESTAMPTZ,
    closed_by_user_id    UUID REFERENCES users (id),
    created_by_user_id   UUID NOT NULL REFERENCES users (id),
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX plans_one_per_kind ON plans (case_id, kind);

CREATE TABLE plan_versions (
    plan_id                      UUID NOT NULL REFERENCES plans (id),
    version_no                   INTEGER NOT NULL,
    -- The header and the tasks as they stood (JSON).
    content                      TEXT NOT NULL,
    change_note                  TEXT,
    created_by_user_id           UUID NOT NULL REFERENCES users (id),
    created_at                   TIMESTAMPTZ NOT NULL,
    client_received_on           DATE,
    client_received_recorded_at  TIMESTAMPTZ,
    client_received_recorded_by  UUID REFERENCES users (id),
    PRIMARY KEY (plan_id, version_no)
);

CREATE TABLE plan_tasks (
    id                         UUID PRIMARY KEY,
    plan_id                    UUID NOT NULL REFERENCES plans (id),
    case_id                    UUID NOT NULL REFERENCES cases (id),
    position                   INTEGER NOT NULL,
    area                       TEXT NOT NULL,
    client_action              TEXT,
    specialist_action          TEXT,
    responsible_agency_id      UUID NOT NULL REFERENCES agencies (id),
    due_on                     DATE NOT NULL,
    due_at                     TIMESTAMPTZ NOT NULL,
    status                     TEXT NOT NULL,
    status_note                TEXT,
    status_changed_at          TIMESTAMPTZ,
    status_changed_by_user_id  UUID REFERENCES users (id),
    -- The version that dropped the task; NULL while it is in the plan.
    removed_in_version         INTEGER,
    created_at                 TIMESTAMPTZ NOT NULL,
    updated_at                 TIMESTAMPTZ NOT NULL
);
CREATE INDEX plan_tasks_by_plan ON plan_tasks (plan_id, position);
CREATE INDEX plan_tasks_by_agency_due ON plan_tasks (responsible_agency_id, status, due_at);
CREATE INDEX plan_tasks_open_due ON plan_tasks (status, due_at);

CREATE TABLE plan_term_extensions (
    id                   UUID PRIMARY KEY,
    plan_id              UUID NOT NULL REFERENCES plans (id),
    previous_until       DATE NOT NULL,
    extended_until       DATE NOT NULL,
    reason               TEXT NOT NULL,
    extended_by_user_id  UUID NOT NULL REFERENCES users (id),
    extended_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX plan_term_extensions_by_plan ON plan_term_extensions (plan_id, extended_at);
