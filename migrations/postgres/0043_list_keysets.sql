-- Lists that stopped silently at 100 rows, now walked a page at a time by keyset (issue
-- 13's pattern): each index lets the `(time, id)` keyset seek instead of sorting every
-- candidate row for each page. The two work lists index only what is still open (the
-- lists' own conditions, written the same way in their statements), so years of closed
-- cases and done tasks, whose times lie before every open one, are never walked.

-- `mrgMeetings` and the workspace's /mrg: the meetings of every group the agency is a
-- member of, newest first (one group's: `mrg_meetings_by_group`).
CREATE INDEX mrg_meetings_by_start ON mrg_meetings (starts_at, id);

-- `overdueMonitoring`: the open cases an agency leads, the longest overdue first.
CREATE INDEX cases_monitoring_by_lead ON cases (lead_agency_id, next_monitoring_at, id)
    WHERE status IN ('DECISION_WORK', 'SUPPORT');

-- `planTasksDue`: the agency's open tasks, the soonest due first.
CREATE INDEX plan_tasks_due_by_agency ON plan_tasks (responsible_agency_id, due_at, id)
    WHERE status IN ('PLANNED', 'IN_PROGRESS') AND removed_in_version IS NULL;
