-- The steward pages: accounts with a password, login sessions and uploads waiting for the
-- steward's confirmation. The PostgreSQL migration of the same number creates the same schema.

-- Accounts set up by an admin (`lotse node user add`); the password is stored as an Argon2id
-- PHC string, never in clear.
CREATE TABLE steward_users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Logged-in browsers. Only the SHA-256 hash of the session id (the cookie) is stored. A session
-- belongs either to a token (`token_id`) or to an account (`user_id`); removing the account
-- ends its sessions.
CREATE TABLE steward_sessions (
    id_hash TEXT PRIMARY KEY NOT NULL,
    node_id TEXT NOT NULL,
    token_id INTEGER,
    user_id INTEGER REFERENCES steward_users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    CHECK ((token_id IS NULL) <> (user_id IS NULL))
);
CREATE INDEX steward_sessions_expiry ON steward_sessions (expires_at);

-- Uploaded files whose report the steward has seen but not yet confirmed. Nothing of them is in
-- `offers` until the confirmation runs the push; they expire, and end with their session.
CREATE TABLE pending_imports (
    id TEXT PRIMARY KEY NOT NULL,
    session_hash TEXT NOT NULL REFERENCES steward_sessions (id_hash) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    format TEXT NOT NULL,
    body BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX pending_imports_expiry ON pending_imports (expires_at);
CREATE INDEX pending_imports_session ON pending_imports (session_hash);
