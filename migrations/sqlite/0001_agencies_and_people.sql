-- Agencies, their people, sessions and sign-in throttling.
-- UUIDs are 16-byte BLOBs (sqlx's SQLite encoding), times RFC 3339 text in UTC.

CREATE TABLE agencies (
    id                    BLOB PRIMARY KEY NOT NULL,
    name                  TEXT NOT NULL,
    name_search           TEXT NOT NULL,
    kind                  TEXT NOT NULL,
    region                TEXT NOT NULL,
    time_zone             TEXT NOT NULL,
    contact_email         TEXT NOT NULL,
    notification_language TEXT NOT NULL,
    active                INTEGER NOT NULL,
    version               INTEGER NOT NULL,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE INDEX agencies_by_name ON agencies (name_search, id);

CREATE TABLE users (
    id               BLOB PRIMARY KEY NOT NULL,
    agency_id        BLOB REFERENCES agencies (id),
    hub_admin        INTEGER NOT NULL,
    name             TEXT NOT NULL,
    name_search      TEXT NOT NULL,
    email            TEXT NOT NULL,
    email_normalized TEXT NOT NULL UNIQUE,
    password_hash    TEXT NOT NULL,
    active           INTEGER NOT NULL,
    version          INTEGER NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX users_by_agency_name ON users (agency_id, name_search, id);

CREATE TABLE user_roles (
    user_id BLOB NOT NULL REFERENCES users (id),
    role    TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE sessions (
    id         BLOB PRIMARY KEY NOT NULL,
    user_id    BLOB NOT NULL REFERENCES users (id),
    token_hash BLOB NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    ended_at   TEXT
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Keyed by a hash of the normalised e-mail, whether or not such a user exists, so the
-- throttle neither tells nor stores which addresses are real.
CREATE TABLE login_throttle (
    email_key       TEXT PRIMARY KEY NOT NULL,
    failures        INTEGER NOT NULL,
    last_failure_at TEXT NOT NULL,
    locked_until    TEXT
);
