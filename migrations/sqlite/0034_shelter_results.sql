-- The shelter's results (seed 002, seeds-notes C2 and D8; issue 18): what happened to the
-- child, apart from where the mother went (`exit_outcome` mixed the two), and the
-- follow-up checks made after a case closed. Old exits map: the two child values of
-- `exit_outcome` become the child's outcome; any other exit had the child leave with
-- the mother.
ALTER TABLE cases ADD COLUMN child_outcome TEXT;
UPDATE cases SET child_outcome = CASE exit_outcome
        WHEN 'CHILD_REFUSED_OR_REMOVED' THEN 'REFUSED_OR_REMOVED'
        WHEN 'CHILD_LEFT_AT_SHELTER' THEN 'LEFT_AT_SHELTER'
        ELSE 'WITH_MOTHER' END
    WHERE exit_outcome IS NOT NULL;

CREATE TABLE case_follow_ups (
    id                  BLOB PRIMARY KEY NOT NULL,
    case_id             BLOB NOT NULL REFERENCES cases (id),
    agency_id           BLOB NOT NULL REFERENCES agencies (id),
    checked_on          TEXT NOT NULL,
    family_together     INTEGER NOT NULL,
    child_with_mother   INTEGER NOT NULL,
    recorded_by_user_id BLOB NOT NULL REFERENCES users (id),
    recorded_at         TEXT NOT NULL
);
CREATE INDEX case_follow_ups_by_case ON case_follow_ups (case_id, checked_on);
