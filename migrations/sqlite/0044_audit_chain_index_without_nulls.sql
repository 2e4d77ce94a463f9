-- The chain's index holds chained events only, as on PostgreSQL (where the unchained
-- events' NULL entries, sorted last, halved the index's fill; SQLite sorts NULLs first,
-- so here it only leaves out the entries no query reads). Every query of the chain names
-- a position (`chain_pos > $1`), which implies NOT NULL, so this index serves them all.
DROP INDEX audit_events_chain;
CREATE UNIQUE INDEX audit_events_chain ON audit_events (chain_pos) WHERE chain_pos IS NOT NULL;
