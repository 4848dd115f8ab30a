-- The operator's view: quality scores and findings per offer, link checks, daily snapshots,
-- operator-supplied population figures and operator sessions. See crates/lotse-hub/src/ops/
-- for the meaning of each table; the SQLite migration of the same number creates the same
-- schema.

-- One row per live offer: its score (0–100) and the checks it failed, as of `computed_at`.
-- `offer_type`, `life_phases` and `ags` are copied from the offer so that snapshots and the
-- coverage table aggregate without reading the offers' JSON again.
CREATE TABLE offer_quality (
    node_id TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    score BIGINT NOT NULL CHECK (score BETWEEN 0 AND 100),
    -- JSON array of the failed checks (code, lost points, pointer, message, fix).
    findings TEXT NOT NULL,
    -- Warnings of the hub's validator.
    warnings BIGINT NOT NULL,
    -- Past valid_until, past the schedule's end_date, or defunct: hidden from search.
    expired BIGINT NOT NULL CHECK (expired IN (0, 1)),
    -- verified_at missing or more than a year ago.
    unverified BIGINT NOT NULL CHECK (unverified IN (0, 1)),
    offer_type TEXT NOT NULL,
    -- Comma-separated life-phase codes.
    life_phases TEXT NOT NULL,
    -- Comma-separated AGS of the municipalities the offer's locations lie in.
    ags TEXT NOT NULL,
    -- URLs the link checker checks (url, contact.url), newline-separated.
    urls TEXT NOT NULL,
    computed_at BIGINT NOT NULL,
    PRIMARY KEY (node_id, id)
);
-- Covers the per-node figures and the score distribution of the dashboard, so that they are
-- read from the index alone and not from the rows with their findings.
CREATE INDEX offer_quality_figures ON offer_quality (node_id, score, warnings, expired, unverified);

-- One scoring position: the hub change number up to which scores are current.
CREATE TABLE quality_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_change BIGINT NOT NULL
);
INSERT INTO quality_state (id, last_change) VALUES (1, 0);

-- The latest check of each URL. `day` (YYYY-MM-DD, UTC) limits checks to one per URL and day.
CREATE TABLE link_checks (
    url TEXT PRIMARY KEY,
    day TEXT NOT NULL,
    checked_at BIGINT NOT NULL,
    ok BIGINT NOT NULL CHECK (ok IN (0, 1)),
    -- The HTTP status of the last answer, when there was one.
    status BIGINT,
    error TEXT
);

-- Daily figures per node (scope 'node', key = node id) and per municipality (scope
-- 'municipality', key = AGS), kept for years.
CREATE TABLE quality_snapshots (
    scope TEXT NOT NULL CHECK (scope IN ('node', 'municipality')),
    key TEXT NOT NULL,
    day TEXT NOT NULL,
    offers BIGINT NOT NULL,
    mean_score DOUBLE PRECISION NOT NULL,
    warnings BIGINT NOT NULL,
    expired BIGINT NOT NULL,
    unverified BIGINT NOT NULL,
    -- JSON objects: offer type → count, life phase → count.
    by_type TEXT NOT NULL,
    by_phase TEXT NOT NULL,
    PRIMARY KEY (scope, key, day)
);

-- Population figures the operator uploaded; they take precedence over the region pack's.
CREATE TABLE population (
    ags TEXT PRIMARY KEY,
    population BIGINT NOT NULL CHECK (population > 0),
    updated_at BIGINT NOT NULL
);

-- Operator sessions of the web pages; only the SHA-256 hash of the session id is stored.
CREATE TABLE operator_sessions (
    session_hash TEXT PRIMARY KEY,
    token_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX operator_sessions_expiry ON operator_sessions (expires_at);
