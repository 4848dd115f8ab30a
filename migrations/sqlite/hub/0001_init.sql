-- The hub's store on SQLite. See crates/lotse-hub/src/store/mod.rs for the meaning of each
-- table; the PostgreSQL migration of the same number creates the same schema.

-- One row: the last change number of the hub's own feed. Writers take their numbers from it
-- inside their transaction, so numbers become visible in commit order (SQLite has one writer
-- at a time).
CREATE TABLE hub_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_change INTEGER NOT NULL
);
INSERT INTO hub_state (id, last_change) VALUES (1, 0);

-- The registered nodes. The checkpoint (checkpoint_modified, checkpoint_id) is the feed
-- position after the last page whose items are stored; it is written in the same transaction
-- as those items.
CREATE TABLE nodes (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    feed_url TEXT NOT NULL,
    -- JSON array of AGS prefixes (2, 3, 5 or 8 digits) the node may publish offers for.
    jurisdiction TEXT NOT NULL,
    -- SHA-256 of the node's hub token; the token itself is never stored.
    token_hash TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'stopped')),
    state_reason TEXT,
    checkpoint_modified INTEGER,
    checkpoint_id TEXT,
    -- The standard version the node reported with its latest item.
    standard_version TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    last_harvest_at INTEGER,
    last_success_at INTEGER,
    last_error TEXT,
    last_error_at INTEGER,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    items_harvested INTEGER NOT NULL DEFAULT 0,
    CHECK ((checkpoint_modified IS NULL) = (checkpoint_id IS NULL))
);

-- Every offer the hub has published, live or as a tombstone, keyed by (node, the node's id).
-- `modified` is the hub's change number of the row's latest change; it is unique, so the hub's
-- feed is this table ordered by `modified` alone.
CREATE TABLE offers (
    node_id TEXT NOT NULL,
    id TEXT NOT NULL,
    modified INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    -- Canonical JSON of the offer as the hub's validator read it; NULL for a tombstone.
    data TEXT,
    data_hash BLOB,
    -- The standard version the node validated the offer with, as the node reported it.
    standard_version TEXT,
    -- The node's change number of the item this row was last written from.
    node_modified INTEGER NOT NULL,
    -- Warnings and notices of the hub's validator, JSON array; NULL when there are none.
    findings TEXT,
    first_seen INTEGER NOT NULL,
    last_changed INTEGER NOT NULL,
    PRIMARY KEY (node_id, id),
    CHECK ((deleted = 0) = (data IS NOT NULL))
);
CREATE UNIQUE INDEX offers_feed_order ON offers (modified);
CREATE INDEX offers_tombstone_age ON offers (last_changed) WHERE deleted = 1;

-- Where each location of a live offer lies, as the hub placed it.
CREATE TABLE offer_locations (
    node_id TEXT NOT NULL,
    offer_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    lat REAL,
    lon REAL,
    -- exact (from the record), geocoded, postcode (centroid), municipality (interior point) or
    -- none (not placeable).
    precision TEXT NOT NULL,
    declared_ags TEXT NOT NULL,
    -- The municipality that contains the point (point-in-polygon), if any.
    found_ags TEXT,
    mismatch INTEGER NOT NULL CHECK (mismatch IN (0, 1)),
    -- Distance of the point from the declared municipality, when it lies outside it.
    distance_m REAL,
    PRIMARY KEY (node_id, offer_id, idx)
) WITHOUT ROWID;

-- Items the hub rejected, with the reason; one entry per (node, id), the latest rejected one.
CREATE TABLE quarantine (
    node_id TEXT NOT NULL,
    id TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('invalid', 'jurisdiction', 'malformed')),
    -- JSON array of findings.
    findings TEXT NOT NULL,
    -- The item's data as received, when there was any.
    data TEXT,
    standard_version TEXT,
    node_modified INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (node_id, id)
);

-- Operator tokens; only the SHA-256 hash of a token is stored.
CREATE TABLE tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('operator')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE UNIQUE INDEX tokens_active_name ON tokens (name) WHERE revoked_at IS NULL;

-- Answers of the geocoder by normalised address; lat/lon NULL when it found nothing.
CREATE TABLE geocode_cache (
    query TEXT PRIMARY KEY NOT NULL,
    lat REAL,
    lon REAL,
    created_at INTEGER NOT NULL
);
