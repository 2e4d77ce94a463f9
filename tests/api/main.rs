//! Integration tests: each starts the real server on a random port with a fresh database
//! and speaks GraphQL over HTTP. SQLite by default; with `CASELINK_TEST_DATABASE_URL` set
//! to a PostgreSQL server, every test runs on PostgreSQL instead (`scripts/test-all` runs
//! both).

mod agencies;
mod audit;
mod audit_footprint;
mod audit_tampering;
mod auth;
mod auth_limits;
mod browser;
mod case_records;
mod case_work;
mod cases;
mod demo;
mod docs_examples;
mod export;
mod graphiql;
mod handover_closing;
mod handover_documents;
mod handover_notices;
mod handovers;
mod harness;
mod hostile_generated;
mod hostile_inputs;
mod http_spec;
mod hygiene;
mod information_request_pages;
mod information_requests;
mod list_pages;
mod logs;
mod metrics;
mod notifications;
mod page_reads;
mod paper;
mod peers;
mod races;
mod read_audit;
mod read_side;
mod scope_matrix;
mod scope_rules;
mod search_by_name;
mod signals;
mod smtp;
mod typed_rows;
mod users;
mod workspace;
