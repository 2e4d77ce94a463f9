-- Effectiveness reports (domain.md §7, seeds-notes D; issue 18): the hospitals' monthly
-- births and refusals, the per-agency setting whether the agency itself gives the
-- rehabilitation support (seed 001: the successful-rehabilitation ratio applies only
-- then), and the half-year conclusions, frozen as a JSON snapshot once issued.
ALTER TABLE agencies ADD COLUMN gives_support INTEGER NOT NULL DEFAULT 1;

CREATE TABLE hospital_months (
    agency_id           BLOB NOT NULL REFERENCES agencies (id),
    month               TEXT NOT NULL,
    births              INTEGER NOT NULL,
    refusals            INTEGER NOT NULL,
    recorded_by_user_id BLOB NOT NULL REFERENCES users (id),
    recorded_at         TEXT NOT NULL,
    version             INTEGER NOT NULL,
    PRIMARY KEY (agency_id, month)
);

CREATE TABLE report_conclusions (
    id                BLOB PRIMARY KEY NOT NULL,
    agency_id         BLOB NOT NULL REFERENCES agencies (id),
    period_from       TEXT NOT NULL,
    period_to         TEXT NOT NULL,
    analysis          TEXT NOT NULL,
    status            TEXT NOT NULL,
    snapshot          TEXT,
    written_by_user_id BLOB NOT NULL REFERENCES users (id),
    issued_by_user_id BLOB REFERENCES users (id),
    issued_at         TEXT,
    version           INTEGER NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE UNIQUE INDEX report_conclusions_period ON report_conclusions (agency_id, period_from, period_to);

-- The report reads an agency's signals by the time it received them.
CREATE INDEX signals_by_service_received ON signals (service_agency_id, received_at);
