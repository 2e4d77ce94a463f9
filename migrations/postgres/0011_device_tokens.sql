-- Device tokens (OWASP "device cookies"): a successful sign-in gives the client one, and
-- a later sign-in that presents it is judged by the device's own failures, not by the
-- e-mail address's. So someone guessing wrong on purpose can lock an address for unknown
-- devices but not keep its owner out of a device they signed in from before. Stored
-- only as a SHA-256, like session tokens; the failure columns are the throttle's.
CREATE TABLE device_tokens (
    id              UUID PRIMARY KEY,
    user_id         UUID NOT NULL REFERENCES users (id),
    token_hash      BYTEA NOT NULL UNIQUE,
    created_at      TIMESTAMPTZ NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL,
    failures        INTEGER NOT NULL,
    last_failure_at TIMESTAMPTZ NOT NULL,
    locked_until    TIMESTAMPTZ
);
CREATE INDEX device_tokens_by_user ON device_tokens (user_id, created_at);
