-- One row per agency and case it takes part in, in the cases' order, so that an agency's
-- page of cases is an index walk whatever the size of its caseload or of the hub. The
-- scope itself is still read from participations (grants can expire); this is the
-- ordered list of candidates. Maintained by src/access/store.rs with the participations.

CREATE TABLE agency_cases (
    agency_id BLOB NOT NULL REFERENCES agencies (id),
    case_id   BLOB NOT NULL REFERENCES cases (id),
    opened_at TEXT NOT NULL,
    PRIMARY KEY (agency_id, case_id)
);
CREATE INDEX agency_cases_page ON agency_cases (agency_id, opened_at DESC, case_id DESC);

INSERT INTO agency_cases (agency_id, case_id, opened_at)
SELECT DISTINCT p.agency_id, p.case_id, c.opened_at
FROM participations p JOIN cases c ON c.id = p.case_id
WHERE p.revoked_at IS NULL;
