-- Agencies, their people, sessions and sign-in throttling.

CREATE TABLE agencies (
    id                    UUID PRIMARY KEY,
    name                  TEXT NOT NULL,
    name_search           TEXT NOT NULL,
    kind                  TEXT NOT NULL,
    region                TEXT NOT NULL,
    time_zone             TEXT NOT NULL,
    contact_email         TEXT NOT NULL,
    notification_language TEXT NOT NULL,
    active                BOOLEAN NOT NULL,
    version               INTEGER NOT NULL,
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL
);
CREATE INDEX agencies_by_name ON agencies (name_search, id);

CREATE TABLE users (
    id               UUID PRIMARY KEY,
    agency_id        UUID REFERENCES agencies (id),
    hub_admin        BOOLEAN NOT NULL,
    name             TEXT NOT NULL,
    name_search      TEXT NOT NULL,
    email            TEXT NOT NULL,
    email_normalized TEXT NOT NULL UNIQUE,
    password_hash    TEXT NOT NULL,
    active           BOOLEAN NOT NULL,
    version          INTEGER NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX users_by_agency_name ON users (agency_id, name_search, id);

CREATE TABLE user_roles (
    user_id UUID NOT NULL REFERENCES users (id),
    role    TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE sessions (
    id         UUID PRIMARY KEY,
    user_id    UUID NOT NULL REFERENCES users (id),
    token_hash BYTEA NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    ended_at   TIMESTAMPTZ
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Keyed by a hash of the normalised e-mail, whether or not such a user exists, so the
-- throttle neither tells nor stores which addresses are real.
CREATE TABLE login_throttle (
    email_key       TEXT PRIMARY KEY,
    failures        INTEGER NOT NULL,
    last_failure_at TIMESTAMPTZ NOT NULL,
    locked_until    TIMESTAMPTZ
);
