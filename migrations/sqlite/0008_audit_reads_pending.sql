-- Nothing to do in the main file: on SQLite, audit_reads_pending (where read-audit events
-- wait for the sealer, see src/audit/staged.rs) lives in the companion file
-- `<database>-reads`, which the hub opens beside the main file and creates when missing,
-- so that the commits of read audits never reset the main file's page caches. This file
-- keeps the two dialects' migrations numbered alike.
SELECT 1;
