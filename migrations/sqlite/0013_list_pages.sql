-- The inbox pages oldest first over every status (issue 13): `handovers_inbox` puts the
-- status before the time, so a page of all statuses had to read and sort every request
-- to the agency. This one walks the agency's requests in page order from the cursor,
-- as `handovers_outbox` does for the sender.
CREATE INDEX handovers_inbox_page ON handovers (to_agency_id, requested_at, id);
