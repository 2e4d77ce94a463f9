-- A case's people are read in the order they were added (persons_of_cases: ORDER BY
-- case_id, created_at, id), for a whole page of cases at once. With the order in the
-- index, that read is a walk of the index instead of a lookup followed by a sort; the
-- old index on case_id alone is its prefix, so it goes.
CREATE INDEX case_persons_in_order ON case_persons (case_id, created_at, id);
DROP INDEX case_persons_by_case;
