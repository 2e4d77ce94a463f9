-- Plans with tasks for each agency (domain.md §5, seeds-notes A6, issue 16): the
-- decision-change plan, the long-term support plan, the family's and the child's ИПСР,
-- the ИППСУ and the shelter's individual plan. A plan has numbered versions (each one a
-- snapshot of its header and tasks, kept for reading and comparing); its tasks keep their
-- ids across versions and carry the responsible agency's status.
CREATE TABLE plans (
    id                   BLOB PRIMARY KEY NOT NULL,
    case_id              BLOB NOT NULL REFERENCES cases (id),
    kind                 TEXT NOT NULL,
    status               TEXT NOT NULL,
    -- The version people read now; 0 for a shelter's "no plan, with a reason".
    current_version      INTEGER NOT NULL,
    due_on               TEXT,
    settled_on           TEXT,
    term_until           TEXT,
    next_review_on       TEXT,
    no_plan_reason       TEXT,
    conclusion           TEXT,
    closed_at            TEXT,
    closed_by_user_id    BLOB REFERENCES users (id),
    created_by_user_id   BLOB NOT NULL REFERENCES users (id),
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE UNIQUE INDEX plans_one_per_kind ON plans (case_id, kind);

CREATE TABLE plan_versions (
    plan_id                      BLOB NOT NULL REFERENCES plans (id),
    version_no                   INTEGER NOT NULL,
    -- The header and the tasks as they stood (JSON).
    content                      TEXT NOT NULL,
    change_note                  TEXT,
    created_by_user_id           BLOB NOT NULL REFERENCES users (id),
    created_at                   TEXT NOT NULL,
    client_received_on           TEXT,
    client_received_recorded_at  TEXT,
    client_received_recorded_by  BLOB REFERENCES users (id),
    PRIMARY KEY (plan_id, version_no)
);

CREATE TABLE plan_tasks (
    id                         BLOB PRIMARY KEY NOT NULL,
    plan_id                    BLOB NOT NULL REFERENCES plans (id),
    case_id                    BLOB NOT NULL REFERENCES cases (id),
    position                   INTEGER NOT NULL,
    area                       TEXT NOT NULL,
    client_action              TEXT,
    specialist_action          TEXT,
    responsible_agency_id      BLOB NOT NULL REFERENCES agencies (id),
    due_on                     TEXT NOT NULL,
    due_at                     TEXT NOT NULL,
    status                     TEXT NOT NULL,
    status_note                TEXT,
    status_changed_at          TEXT,
    status_changed_by_user_id  BLOB REFERENCES users (id),
    -- The version that dropped the task; NULL while it is in the plan.
    removed_in_version         INTEGER,
    created_at                 TEXT NOT NULL,
    updated_at                 TEXT NOT NULL
);
CREATE INDEX plan_tasks_by_plan ON plan_tasks (plan_id, position);
CREATE INDEX plan_tasks_by_agency_due ON plan_tasks (responsible_agency_id, status, due_at);
CREATE INDEX plan_tasks_open_due ON plan_tasks (status, due_at);

CREATE TABLE plan_term_extensions (
    id                   BLOB PRIMARY KEY NOT NULL,
    plan_id              BLOB NOT NULL REFERENCES plans (id),
    previous_until       TEXT NOT NULL,
    extended_until       TEXT NOT NULL,
    reason               TEXT NOT NULL,
    extended_by_user_id  BLOB NOT NULL REFERENCES users (id),
    extended_at          TEXT NOT NULL
);
CREATE INDEX plan_term_extensions_by_plan ON plan_term_extensions (plan_id, extended_at);
