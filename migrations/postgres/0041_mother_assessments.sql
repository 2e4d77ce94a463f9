-- «Маленькая мама» (seed 004, seeds-notes B1 and D9; issue 18): a small scored
-- assessment of the mother at entry and at exit, one per stage and case; re-recording a
-- stage replaces it and bumps its version. Scores run 1–5; at exit it also says whether
-- the child stays with the mother.
CREATE TABLE mother_assessments (
    case_id                 UUID NOT NULL REFERENCES cases (id),
    stage                   TEXT NOT NULL,
    agency_id               UUID NOT NULL REFERENCES agencies (id),
    assessed_on             DATE NOT NULL,
    childcare_skills        INTEGER NOT NULL,
    interaction_with_child  INTEGER NOT NULL,
    copes_independently     INTEGER NOT NULL,
    parental_competence     INTEGER NOT NULL,
    child_with_mother       BOOLEAN,
    recorded_by_user_id     UUID NOT NULL REFERENCES users (id),
    recorded_at             TIMESTAMPTZ NOT NULL,
    version                 INTEGER NOT NULL,
    PRIMARY KEY (case_id, stage)
);
CREATE INDEX mother_assessments_by_agency ON mother_assessments (agency_id, stage, assessed_on);
