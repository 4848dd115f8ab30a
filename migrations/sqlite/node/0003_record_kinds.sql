-- Standard 1.1: institutions, networks and projects beside offers. Each kind has its own table,
-- shaped exactly as `offers`, and so its own feed (the table ordered by (modified, id)); change
-- numbers for every kind come from the one counter in `node_state`, so each feed's numbers grow
-- in commit order. The PostgreSQL migration of the same number creates the same schema.

CREATE TABLE organizations (
    id TEXT PRIMARY KEY NOT NULL,
    modified INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    data TEXT,
    data_hash BLOB,
    standard_version TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK ((deleted = 0) = (data IS NOT NULL))
);
CREATE UNIQUE INDEX organizations_feed_order ON organizations (modified, id);
CREATE INDEX organizations_tombstone_age ON organizations (updated_at) WHERE deleted = 1;

CREATE TABLE networks (
    id TEXT PRIMARY KEY NOT NULL,
    modified INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    data TEXT,
    data_hash BLOB,
    standard_version TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK ((deleted = 0) = (data IS NOT NULL))
);
CREATE UNIQUE INDEX networks_feed_order ON networks (modified, id);
CREATE INDEX networks_tombstone_age ON networks (updated_at) WHERE deleted = 1;

CREATE TABLE projects (
    id TEXT PRIMARY KEY NOT NULL,
    modified INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    data TEXT,
    data_hash BLOB,
    standard_version TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK ((deleted = 0) = (data IS NOT NULL))
);
CREATE UNIQUE INDEX projects_feed_order ON projects (modified, id);
CREATE INDEX projects_tombstone_age ON projects (updated_at) WHERE deleted = 1;

-- The kind of records a push or a pending upload holds (`offer`, `organization`, …).
ALTER TABLE imports ADD COLUMN kind TEXT NOT NULL DEFAULT 'offer';
ALTER TABLE pending_imports ADD COLUMN kind TEXT NOT NULL DEFAULT 'offer';
