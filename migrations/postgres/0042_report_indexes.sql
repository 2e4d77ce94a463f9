-- Issue 18's half-year report on the bench's 100,000-case hub (docs/performance.md).
-- A shelter's closed cases in the period: without this, SQLite (no ANALYZE) walked
-- `cases_monitoring_due` by status over every closed case of the hub; now it is a range
-- of the agency's closings (the report's closed-case branch reads the same range).
CREATE INDEX cases_by_lead_closed ON cases (lead_agency_id, closed_at);
-- The hospitals that sent the service signals: the distinct senders straight from the
-- index, without reading each of the service's signals.
CREATE INDEX signals_by_service_sender ON signals (service_agency_id, sender_agency_id);
