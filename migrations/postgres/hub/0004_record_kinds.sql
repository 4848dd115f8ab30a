-- Standard 1.1: institutions (`organization`), networks and projects beside offers. See
-- crates/lotse-hub/src/store/kinds.rs for the meaning of each table; the SQLite migration
-- of the same number creates the same schema. Offers keep their own tables; the records of the
-- new kinds share these, keyed by kind.

-- Where the hub stands in each node's feed of a kind (the offers' checkpoint stays in `nodes`).
-- `published` is false while the node answers 404 for the feed: a node on standard 1.0
-- publishes offers only, and that is not an error.
CREATE TABLE record_feeds (
    node_id TEXT NOT NULL COLLATE "C",
    kind TEXT NOT NULL,
    checkpoint_modified BIGINT,
    checkpoint_id TEXT COLLATE "C",
    published BOOLEAN NOT NULL DEFAULT TRUE,
    last_harvest_at BIGINT,
    last_error TEXT,
    items_harvested BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (node_id, kind),
    CHECK ((checkpoint_modified IS NULL) = (checkpoint_id IS NULL))
);

-- Every record of the new kinds the hub has published, live or as a tombstone. `modified` is
-- the hub's change number (from `hub_state`, unique across every kind), so each kind's feed is
-- this table ordered by `modified` within the kind. `lat`/`lon` place the record on the map (its
-- first location, or the interior point of its municipality), `ags` is that municipality.
CREATE TABLE records (
    kind TEXT NOT NULL,
    node_id TEXT NOT NULL COLLATE "C",
    id TEXT NOT NULL COLLATE "C",
    modified BIGINT NOT NULL,
    deleted BOOLEAN NOT NULL DEFAULT FALSE,
    data TEXT,
    data_hash BYTEA,
    standard_version TEXT,
    node_modified BIGINT NOT NULL,
    findings TEXT,
    first_seen BIGINT NOT NULL,
    last_changed BIGINT NOT NULL,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    ags TEXT,
    PRIMARY KEY (kind, node_id, id),
    CHECK ((NOT deleted) = (data IS NOT NULL))
);
CREATE UNIQUE INDEX records_feed_order ON records (kind, modified);
CREATE INDEX records_tombstone_age ON records (last_changed) WHERE deleted;

-- The references of every live institution, network and project, one row per reference, so
-- that the hub can resolve them after a harvest and answer "what refers to this record" (a
-- network's members, an institution's offers) without reading records.
CREATE TABLE record_references (
    kind TEXT NOT NULL,
    node_id TEXT NOT NULL COLLATE "C",
    id TEXT NOT NULL COLLATE "C",
    pointer TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_node TEXT NOT NULL COLLATE "C",
    target_id TEXT NOT NULL COLLATE "C",
    PRIMARY KEY (kind, node_id, id, pointer)
);
CREATE INDEX record_references_target ON record_references (target_kind, target_node, target_id);

-- Items of the new kinds the hub rejected, one entry per (kind, node, id), the latest one.
CREATE TABLE record_quarantine (
    kind TEXT NOT NULL,
    node_id TEXT NOT NULL COLLATE "C",
    id TEXT NOT NULL COLLATE "C",
    reason TEXT NOT NULL CHECK (reason IN ('invalid', 'jurisdiction', 'malformed')),
    findings TEXT NOT NULL,
    data TEXT,
    standard_version TEXT,
    node_modified BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (kind, node_id, id)
);

-- The history of each project as the hub saw it: when it was first seen, each change of its
-- status, when it was removed. The project map's view of a past date is read from here.
CREATE TABLE project_history (
    node_id TEXT NOT NULL COLLATE "C",
    id TEXT NOT NULL COLLATE "C",
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    event TEXT NOT NULL CHECK (event IN ('first_seen', 'status', 'removed')),
    -- The status after the event (NULL for `removed`).
    status TEXT,
    -- The municipality of the project at the event, for the changes per municipality.
    ags TEXT,
    PRIMARY KEY (node_id, id, seq)
);
CREATE INDEX project_history_at ON project_history (at);

-- The references of live offers (standard 1.1: `provider.ref`, `networks`, `projects`), kept
-- beside the offers like their locations and written with them; the references of the other
-- kinds are in `record_references`.
CREATE TABLE offer_references (
    node_id TEXT NOT NULL COLLATE "C",
    offer_id TEXT NOT NULL COLLATE "C",
    pointer TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_node TEXT NOT NULL COLLATE "C",
    target_id TEXT NOT NULL COLLATE "C",
    PRIMARY KEY (node_id, offer_id, pointer)
);
CREATE INDEX offer_references_target ON offer_references (target_kind, target_node, target_id);
