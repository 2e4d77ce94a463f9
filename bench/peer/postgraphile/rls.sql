-- Row-level security for the PostGraphile peer (graphile.config.mjs): an agency reads the
-- cases it takes part in, as CaseLink's scope rule says in SQL (src/access/sql.rs): an
-- active participation of its own, not revoked and not expired. CaseLink's own server
-- connects as the owner and is not affected. Safe to run twice.
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'caselink_peer') THEN
    CREATE ROLE caselink_peer NOLOGIN;
  END IF;
END $$;
GRANT USAGE ON SCHEMA public TO caselink_peer;
GRANT SELECT ON cases, participations TO caselink_peer;
ALTER TABLE cases ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS caselink_peer_agency ON cases;
CREATE POLICY caselink_peer_agency ON cases FOR SELECT TO caselink_peer USING (
  EXISTS (
    SELECT 1 FROM participations p
    WHERE p.case_id = cases.id
      AND p.agency_id = current_setting('caselink.agency_id')::uuid
      AND p.revoked_at IS NULL
      AND (p.expires_at IS NULL OR p.expires_at > now())
  )
);

-- The fairer page: the agency's own list, walked in the index CaseLink's page walks
-- (`agency_cases_page`: agency, opened_at newest first, case). A view is the way a
-- PostGraphile user would offer it: the client names the agency (`condition`), the order
-- is the index's, and `security_invoker` keeps the row-level security of `cases` on every
-- row, so naming another agency returns only the cases this one may see. (The case's id
-- is `case_id` here: PostGraphile keeps `id` for its own global node ids.)
DROP VIEW IF EXISTS agency_case_list;
CREATE VIEW agency_case_list WITH (security_invoker = true) AS
  SELECT ac.agency_id, ac.opened_at AS listed_at, c.id AS case_id, c.journal_no, c.status, c.opened_at
  FROM agency_cases ac JOIN cases c ON c.id = ac.case_id;
GRANT SELECT ON agency_cases, agency_case_list TO caselink_peer;
