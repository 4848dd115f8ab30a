-- The node's store on PostgreSQL. See crates/lotse-node/src/store/mod.rs for the meaning of
-- each table; the SQLite migration of the same number creates the same schema.

-- One row: the last change number handed out. Every writing transaction locks this row first
-- (SELECT … FOR UPDATE) and updates it before commit, so writers are serialised and change
-- numbers become visible in commit order: a reader never sees a number below one it has seen.
CREATE TABLE node_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_change BIGINT NOT NULL
);
INSERT INTO node_state (id, last_change) VALUES (1, 0);

-- Every offer the node has ever published, live or as a tombstone. `modified` is the change
-- number of the row's latest change; the feed is this table ordered by (modified, id).
CREATE TABLE offers (
    id TEXT PRIMARY KEY COLLATE "C",
    modified BIGINT NOT NULL,
    deleted BOOLEAN NOT NULL DEFAULT FALSE,
    -- Canonical JSON as text (not jsonb, which would reorder keys and cost a conversion on
    -- every feed read); NULL for a tombstone.
    data TEXT,
    data_hash BYTEA,
    standard_version TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CHECK ((NOT deleted) = (data IS NOT NULL))
);
-- "C" collation on ids: the feed's `id > @id` must order exactly as SQLite and any RPDE
-- client compare strings (bytewise), not by the database's locale.
CREATE UNIQUE INDEX offers_feed_order ON offers (modified, id);
CREATE INDEX offers_tombstone_age ON offers (updated_at) WHERE deleted;

-- API tokens; only the SHA-256 hash of a token is stored.
CREATE TABLE tokens (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('steward', 'admin')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE UNIQUE INDEX tokens_active_name ON tokens (name) WHERE revoked_at IS NULL;

-- One row per push (and per single-offer change), with who sent it and the full report.
CREATE TABLE imports (
    id BIGSERIAL PRIMARY KEY,
    token_id BIGINT,
    token_name TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    operation TEXT NOT NULL,
    mode TEXT NOT NULL,
    format TEXT,
    status INTEGER NOT NULL,
    committed BOOLEAN NOT NULL,
    received BIGINT NOT NULL,
    created BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    unchanged BIGINT NOT NULL,
    rejected BIGINT NOT NULL,
    deleted BIGINT NOT NULL,
    report TEXT NOT NULL
);
