-- The node's store on SQLite. See crates/lotse-node/src/store/mod.rs for the meaning of each
-- table; the PostgreSQL migration of the same number creates the same schema.

-- One row: the last change number handed out. Writers take their numbers from it inside their
-- transaction, so numbers become visible in commit order (SQLite has one writer at a time).
CREATE TABLE node_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_change INTEGER NOT NULL
);
INSERT INTO node_state (id, last_change) VALUES (1, 0);

-- Every offer the node has ever published, live or as a tombstone. `modified` is the change
-- number of the row's latest change; the feed is this table ordered by (modified, id).
CREATE TABLE offers (
    id TEXT PRIMARY KEY NOT NULL,
    modified INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    -- Canonical JSON of the offer (serde_json::to_string of the standard's model); NULL for a
    -- tombstone.
    data TEXT,
    -- SHA-256 of `data`, to recognise an unchanged re-send without comparing whole documents.
    data_hash BLOB,
    -- The version of the standard the offer was validated with.
    standard_version TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK ((deleted = 0) = (data IS NOT NULL))
);
CREATE UNIQUE INDEX offers_feed_order ON offers (modified, id);
CREATE INDEX offers_tombstone_age ON offers (updated_at) WHERE deleted = 1;

-- API tokens; only the SHA-256 hash of a token is stored.
CREATE TABLE tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('steward', 'admin')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE UNIQUE INDEX tokens_active_name ON tokens (name) WHERE revoked_at IS NULL;

-- One row per push (and per single-offer change), with who sent it and the full report.
CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    token_id INTEGER,
    token_name TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    operation TEXT NOT NULL,
    mode TEXT NOT NULL,
    format TEXT,
    status INTEGER NOT NULL,
    committed INTEGER NOT NULL CHECK (committed IN (0, 1)),
    received INTEGER NOT NULL,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    unchanged INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    deleted INTEGER NOT NULL,
    report TEXT NOT NULL
);
