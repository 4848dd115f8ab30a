-- The operator's view: quality scores and findings per offer, link checks, daily snapshots,
-- operator-supplied population figures and operator sessions. See crates/lotse-hub/src/ops/
-- for the meaning of each table; the PostgreSQL migration of the same number creates the same
-- schema.

-- One row per live offer: its score (0–100) and the checks it failed, as of `computed_at`.
-- `offer_type`, `life_phases` and `ags` are copied from the offer so that snapshots and the
-- coverage table aggregate without reading the offers' JSON again.
CREATE TABLE offer_quality (
    node_id TEXT NOT NULL,
    id TEXT NOT NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    -- JSON array of the failed checks (code, lost points, pointer, message, fix).
    findings TEXT NOT NULL,
    -- Warnings of the hub's validator.
    warnings INTEGER NOT NULL,
    -- Past valid_until, past the schedule's end_date, or defunct: hidden from search.
    expired INTEGER NOT NULL CHECK (expired IN (0, 1)),
    -- verified_at missing or more than a year ago.
    unverified INTEGER NOT NULL CHECK (unverified IN (0, 1)),
    offer_type TEXT NOT NULL,
    -- Comma-separated life-phase codes.
    life_phases TEXT NOT NULL,
    -- Comma-separated AGS of the municipalities the offer's locations lie in.
    ags TEXT NOT NULL,
    -- URLs the link checker checks (url, contact.url), newline-separated.
    urls TEXT NOT NULL,
    computed_at INTEGER NOT NULL,
    PRIMARY KEY (node_id, id)
);
-- Covers the per-node figures and the score distribution of the dashboard, so that they are
-- read from the index alone and not from the rows with their findings.
CREATE INDEX offer_quality_figures ON offer_quality (node_id, score, warnings, expired, unverified);

-- One scoring position: the hub change number up to which scores are current.
CREATE TABLE quality_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_change INTEGER NOT NULL
);
INSERT INTO quality_state (id, last_change) VALUES (1, 0);

-- The latest check of each URL. `day` (YYYY-MM-DD, UTC) limits checks to one per URL and day.
CREATE TABLE link_checks (
    url TEXT PRIMARY KEY NOT NULL,
    day TEXT NOT NULL,
    checked_at INTEGER NOT NULL,
    ok INTEGER NOT NULL CHECK (ok IN (0, 1)),
    -- The HTTP status of the last answer, when there was one.
    status INTEGER,
    error TEXT
);

-- Daily figures per node (scope 'node', key = node id) and per municipality (scope
-- 'municipality', key = AGS), kept for years.
CREATE TABLE quality_snapshots (
    scope TEXT NOT NULL CHECK (scope IN ('node', 'municipality')),
    key TEXT NOT NULL,
    day TEXT NOT NULL,
    offers INTEGER NOT NULL,
    mean_score REAL NOT NULL,
    warnings INTEGER NOT NULL,
    expired INTEGER NOT NULL,
    unverified INTEGER NOT NULL,
    -- JSON objects: offer type → count, life phase → count.
    by_type TEXT NOT NULL,
    by_phase TEXT NOT NULL,
    PRIMARY KEY (scope, key, day)
) WITHOUT ROWID;

-- Population figures the operator uploaded; they take precedence over the region pack's.
CREATE TABLE population (
    ags TEXT PRIMARY KEY NOT NULL,
    population INTEGER NOT NULL CHECK (population > 0),
    updated_at INTEGER NOT NULL
);

-- Operator sessions of the web pages; only the SHA-256 hash of the session id is stored.
CREATE TABLE operator_sessions (
    session_hash TEXT PRIMARY KEY NOT NULL,
    token_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX operator_sessions_expiry ON operator_sessions (expires_at);
