-- The workspace's search finds an information request by its number (`REQ-…`), whoever
-- sent it: the sender's journal index leads with the agency, so a number alone needs its own.
CREATE INDEX information_requests_by_number ON information_requests (journal_no);
