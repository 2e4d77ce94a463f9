-- Where the mother went, apart from what happened to the child (seeds-notes C2; issue 18).
-- «работают с проживанием» (seed 002 l.672) is live-in work, not "housing under way":
-- `HOUSING_IN_PROGRESS` becomes `LIVE_IN_WORK`, in the cases and in the snapshots of
-- issued conclusions. The two child values leave `exit_outcome` for `child_outcome`
-- (kept if already set; migration 0034 mapped the older rows): the mother's destination
-- of such an exit was never recorded, so it becomes NULL.
UPDATE cases SET exit_outcome = 'LIVE_IN_WORK' WHERE exit_outcome = 'HOUSING_IN_PROGRESS';
UPDATE cases SET child_outcome = CASE exit_outcome
        WHEN 'CHILD_REFUSED_OR_REMOVED' THEN 'REFUSED_OR_REMOVED'
        ELSE 'LEFT_AT_SHELTER' END
    WHERE child_outcome IS NULL
      AND exit_outcome IN ('CHILD_REFUSED_OR_REMOVED', 'CHILD_LEFT_AT_SHELTER');
UPDATE cases SET exit_outcome = NULL
    WHERE exit_outcome IN ('CHILD_REFUSED_OR_REMOVED', 'CHILD_LEFT_AT_SHELTER');
UPDATE report_conclusions SET snapshot = REPLACE(snapshot, '"HOUSING_IN_PROGRESS"', '"LIVE_IN_WORK"')
    WHERE snapshot IS NOT NULL;
