-- The hub's store on PostgreSQL. See crates/lotse-hub/src/store/mod.rs for the meaning of
-- each table; the SQLite migration of the same number creates the same schema.

-- One row: the last change number of the hub's own feed. Every transaction that writes offers
-- locks this row (SELECT … FOR UPDATE) and updates it before commit, so writers are serialised
-- and change numbers become visible in commit order, across replicas too.
CREATE TABLE hub_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_change BIGINT NOT NULL
);
INSERT INTO hub_state (id, last_change) VALUES (1, 0);

-- The registered nodes and their harvest checkpoints (written with the items of each page).
CREATE TABLE nodes (
    id TEXT PRIMARY KEY COLLATE "C",
    name TEXT NOT NULL,
    feed_url TEXT NOT NULL,
    jurisdiction TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'stopped')),
    state_reason TEXT,
    checkpoint_modified BIGINT,
    checkpoint_id TEXT COLLATE "C",
    standard_version TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    last_harvest_at BIGINT,
    last_success_at BIGINT,
    last_error TEXT,
    last_error_at BIGINT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    items_harvested BIGINT NOT NULL DEFAULT 0,
    CHECK ((checkpoint_modified IS NULL) = (checkpoint_id IS NULL))
);

-- Every offer the hub has published, live or as a tombstone. `modified` (the hub's change
-- number) is unique, so the hub's feed is this table ordered by `modified` alone. Text columns
-- use the "C" collation so that ids compare bytewise, as on SQLite.
CREATE TABLE offers (
    node_id TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    modified BIGINT NOT NULL,
    deleted BOOLEAN NOT NULL DEFAULT FALSE,
    data TEXT,
    data_hash BYTEA,
    standard_version TEXT,
    node_modified BIGINT NOT NULL,
    findings TEXT,
    first_seen BIGINT NOT NULL,
    last_changed BIGINT NOT NULL,
    PRIMARY KEY (node_id, id),
    CHECK ((NOT deleted) = (data IS NOT NULL))
);
CREATE UNIQUE INDEX offers_feed_order ON offers (modified);
CREATE INDEX offers_tombstone_age ON offers (last_changed) WHERE deleted;

CREATE TABLE offer_locations (
    node_id TEXT COLLATE "C" NOT NULL,
    offer_id TEXT COLLATE "C" NOT NULL,
    idx INTEGER NOT NULL,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    precision TEXT NOT NULL,
    declared_ags TEXT NOT NULL,
    found_ags TEXT,
    mismatch BOOLEAN NOT NULL,
    distance_m DOUBLE PRECISION,
    PRIMARY KEY (node_id, offer_id, idx)
);

CREATE TABLE quarantine (
    node_id TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('invalid', 'jurisdiction', 'malformed')),
    findings TEXT NOT NULL,
    data TEXT,
    standard_version TEXT,
    node_modified BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (node_id, id)
);

CREATE TABLE tokens (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('operator')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE UNIQUE INDEX tokens_active_name ON tokens (name) WHERE revoked_at IS NULL;

CREATE TABLE geocode_cache (
    query TEXT PRIMARY KEY,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    created_at BIGINT NOT NULL
);

-- Offers of more than about 2 KB are compressed by PostgreSQL. lz4 costs a fraction of the CPU
-- of the default pglz, which matters when a first harvest writes thousands of offers a second
-- on the same machine. A server built without lz4 keeps pglz.
DO $$
BEGIN
    ALTER TABLE offers ALTER COLUMN data SET COMPRESSION lz4;
    ALTER TABLE quarantine ALTER COLUMN data SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
    RAISE NOTICE 'lz4 not available; offers stay compressed with pglz';
END
$$;
