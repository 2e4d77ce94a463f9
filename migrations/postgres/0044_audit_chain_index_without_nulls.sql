-- The chain's index holds chained events only (issue 13: bytes per read event).
--
-- An event waits unchained (chain_pos NULL) until the sealer chains it, and an update
-- leaves the old NULL entry behind until vacuum. PostgreSQL sorts NULLs last, so those
-- entries sat at the index's right end and every newly chained position went into the
-- page before them: split in half, not filled, the index at 50% of its leaf pages
-- (pgstatindex), 39 bytes per read event where 20 do. Every query of the chain names a
-- position (`chain_pos > $1`, `chain_pos <= $2`), which implies NOT NULL, so this index
-- serves them all, and uniqueness is unchanged: NULLs never conflicted.
DROP INDEX audit_events_chain;
CREATE UNIQUE INDEX audit_events_chain ON audit_events (chain_pos) WITH (fillfactor = 100)
    WHERE chain_pos IS NOT NULL;
