-- Device tokens (OWASP "device cookies"): a successful sign-in gives the client one, and
-- a later sign-in that presents it is judged by the device's own failures, not by the
-- e-mail address's. So someone guessing wrong on purpose can lock an address for unknown
-- devices but not keep its owner out of a device they signed in from before. Stored
-- only as a SHA-256, like session tokens; the failure columns are the throttle's.
CREATE TABLE device_tokens (
    id              BLOB PRIMARY KEY NOT NULL,
    user_id         BLOB NOT NULL REFERENCES users (id),
    token_hash      BLOB NOT NULL UNIQUE,
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    failures        INTEGER NOT NULL,
    last_failure_at TEXT NOT NULL,
    locked_until    TEXT
);
CREATE INDEX device_tokens_by_user ON device_tokens (user_id, created_at);
