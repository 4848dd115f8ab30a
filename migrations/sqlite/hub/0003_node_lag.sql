-- Node health: how long the last successful harvest took, and how far the hub is behind the
-- node. The feed itself says nothing about the node's newest change number (RPDE has no such
-- field), so the node reports it with its ping. See crates/lotse-hub/src/ops/health.rs for
-- how the figures are derived; the PostgreSQL migration of the same number creates the same
-- schema.

-- Milliseconds the last successful harvest took.
ALTER TABLE nodes ADD COLUMN last_success_duration_ms INTEGER;
-- The node's newest change number as the hub knows it: the highest one its pings reported,
-- or, after a harvest that reached the end of the feed and began after the last report, the
-- checkpoint that harvest reached.
ALTER TABLE nodes ADD COLUMN reported_head INTEGER;
-- Unix seconds since which the reported head has been beyond the checkpoint; NULL while the
-- hub is caught up.
ALTER TABLE nodes ADD COLUMN behind_since INTEGER;
