#!/usr/bin/env bash
# Search under HTTP load, as docs/benchmarks.md describes: a real node and a real hub (the
# `lotse` binary), N generated offers harvested into the hub, the hub pinned to core 0 and the
# load generator (oha, `cargo install oha`) to core 1. Per query class: a short closed-loop run
# finds the capacity, then open-loop runs at 50 % and 90 % of it with latency correction (so
# that queueing is not hidden), after a warm-up. All traffic goes to 127.0.0.1.
#
#   scripts/search-load.sh [OFFERS] [SECONDS]      # defaults: 100000 offers, 30 s per run
#
# HUB_CPUS and LOAD_CPUS (taskset lists, defaults 0 and 1) place the hub and the load
# generator: HUB_CPUS=0,1 LOAD_CPUS=0,1 measures the capacity on both cores. CLASSES (default
# "Q1 Q2 Q3 Q4 Q5") names the query classes to run.
#
# ORGANIZATIONS, NETWORKS and PROJECTS (default 0) add generated records of those kinds to the
# node (networks and projects referring to its organizations); RECORD_CLASSES (default none,
# e.g. "R1:organization R4:project") then names the classes of their search to run as well
# (`lotse-bench record-urls`).
#
# Besides 50 % and 90 % of the capacity, each class is also run open loop at 100 requests/s.
# Prints one line per class and rate: requests/s and p50 / p99 / p99.9 latency in ms, and the
# hub's index build time from the store and its peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."

OFFERS=${1:-100000}
SECONDS_PER_RUN=${2:-30}
OHA=${OHA:-$(command -v oha || echo /tmp/oha/bin/oha)}
BIN=target/release/lotse
BENCH=target/release/lotse-bench
HUB_CPUS=${HUB_CPUS:-0}
LOAD_CPUS=${LOAD_CPUS:-1}
CLASSES=${CLASSES:-Q1 Q2 Q3 Q4 Q5}
ORGANIZATIONS=${ORGANIZATIONS:-0}
NETWORKS=${NETWORKS:-0}
PROJECTS=${PROJECTS:-0}
RECORD_CLASSES=${RECORD_CLASSES:-}
NODE_PORT=18281
HUB_PORT=18280
DIR=$(mktemp -d /tmp/lotse-load.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$DIR"; }
trap cleanup EXIT

cargo build --release -p lotse-cli -p lotse-bench >/dev/null
[ -x "$OHA" ] || { echo "oha not found: cargo install oha" >&2; exit 2; }

export LOTSE_NODE__NODE_ID=bench LOTSE_NODE__LISTEN=127.0.0.1:$NODE_PORT LOTSE_NODE__DATA_DIR=$DIR/node \
  LOTSE_NODE__BODY_LIMIT_BYTES=400000000 LOTSE_NODE__RATE_LIMIT_PER_MINUTE=0
export LOTSE_HUB__LISTEN=127.0.0.1:$HUB_PORT LOTSE_HUB__DATA_DIR=$DIR/hub LOTSE_HUB__RATE_LIMIT_PER_MINUTE=0 \
  LOTSE_HUB__HARVEST__SCHEDULE="0 0 0 1 1 *" LOTSE_HUB__SEARCH__WRITER_THREADS=2 LOTSE_HUB__SEARCH__WRITER_MEMORY_MB=512

wait_for() { for _ in $(seq 1 600); do curl -sf "$1" >/dev/null && return 0; sleep 0.5; done; return 1; }

echo "generating $OFFERS offers and pushing them to a node…" >&2
"$BIN" generate --offers "$OFFERS" --seed 42 --node bench > "$DIR/offers.ndjson"
TOKEN=$("$BIN" node token create --name bench)
"$BIN" node 2>"$DIR/node.log" & PIDS+=($!)
wait_for "http://127.0.0.1:$NODE_PORT/healthz"
split -l 100000 "$DIR/offers.ndjson" "$DIR/chunk."
for chunk in "$DIR"/chunk.*; do
  curl -sf -X POST "http://127.0.0.1:$NODE_PORT/api/v1/offers" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/x-ndjson' --data-binary @"$chunk" >/dev/null
done

for kind in organization network project; do
  case $kind in organization) n=$ORGANIZATIONS;; network) n=$NETWORKS;; project) n=$PROJECTS;; esac
  [ "$n" -gt 0 ] || continue
  echo "generating $n ${kind}s and pushing them to the node…" >&2
  "$BIN" generate --kind "$kind" --count "$n" --seed 42 --node bench --organizations "${ORGANIZATIONS:-0}" > "$DIR/$kind.ndjson"
  rm -f "$DIR"/chunk.*
  split -l 50000 "$DIR/$kind.ndjson" "$DIR/chunk."
  for chunk in "$DIR"/chunk.*; do
    curl -sf -X POST "http://127.0.0.1:$NODE_PORT/api/v1/${kind}s" -H "Authorization: Bearer $TOKEN" \
      -H 'Content-Type: application/x-ndjson' --data-binary @"$chunk" >/dev/null
  done
done

echo "harvesting into the hub…" >&2
"$BIN" hub node add --id bench --feed-url "http://127.0.0.1:$NODE_PORT/feed/offers" --name Bench --jurisdiction 05 >/dev/null
"$BIN" hub harvest --node bench >/dev/null 2>&1
kill "${PIDS[0]}"

echo "starting the hub (cores $HUB_CPUS); it builds its index from the store…" >&2
started=$(date +%s.%N)
taskset -c "$HUB_CPUS" "$BIN" hub 2>"$DIR/hub.log" & HUB=$!; PIDS+=($HUB)
wait_for "http://127.0.0.1:$HUB_PORT/healthz"
until [ "$(curl -sf "http://127.0.0.1:$HUB_PORT/api/v1/search?include_expired=true&page_size=1" | sed -n 's/^{"total":\([0-9]*\).*/\1/p')" = "$OFFERS" ]; do
  sleep 0.5
done
echo "index build from the store: $(python3 -c "print(round($(date +%s.%N) - $started, 1))") s; index $(du -sm "$DIR/hub/search-index" | cut -f1) MiB" >&2

total_of() { curl -sf "http://127.0.0.1:$HUB_PORT/api/v1/search?kind=${1}s&page_size=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])'; }
for kind in organization network project; do
  case $kind in organization) n=$ORGANIZATIONS;; network) n=$NETWORKS;; project) n=$PROJECTS;; esac
  [ "$n" -gt 0 ] || continue
  until [ "$(total_of "$kind")" = "$n" ]; do sleep 0.5; done
done

percentiles() { # oha JSON → "rps p50 p99 p99.9" (ms)
  python3 -c 'import json,sys; d=json.load(sys.stdin); p=d["latencyPercentiles"]; s=d["summary"]
print("%.0f req/s  p50 %.2f  p99 %.2f  p99.9 %.2f ms" % (s["requestsPerSec"], p["p50"]*1000, p["p99"]*1000, p["p99.9"]*1000))'
}

for class in $CLASSES; do
  "$BENCH" search-urls --base "http://127.0.0.1:$HUB_PORT" --class "$class" --count 500 > "$DIR/$class.urls"
  run() { taskset -c "$LOAD_CPUS" "$OHA" --no-tui --output-format json --urls-from-file "$DIR/$class.urls" "$@"; }
  capacity=$(run -z 10s -c 8 | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["summary"]["requestsPerSec"]))')
  run -z "${SECONDS_PER_RUN}s" -q $((capacity / 2)) --latency-correction >/dev/null   # warm-up
  echo "$class open loop at 100 req/s: $(run -z "${SECONDS_PER_RUN}s" -q 100 --latency-correction | percentiles)"
  for share in 50 90; do
    rate=$((capacity * share / 100))
    echo "$class capacity $capacity req/s; open loop at $share % ($rate req/s): $(run -z "${SECONDS_PER_RUN}s" -q "$rate" --latency-correction | percentiles)"
  done
done
for spec in $RECORD_CLASSES; do
  class=${spec%%:*} kind=${spec#*:}
  "$BENCH" record-urls --base "http://127.0.0.1:$HUB_PORT" --kind "$kind" --class "$class" --count 500 > "$DIR/$spec.urls"
  run() { taskset -c "$LOAD_CPUS" "$OHA" --no-tui --output-format json --urls-from-file "$DIR/$spec.urls" "$@"; }
  run -z "${SECONDS_PER_RUN}s" -q 50 --latency-correction >/dev/null   # warm-up
  echo "$class $kind open loop at 100 req/s: $(run -z "${SECONDS_PER_RUN}s" -q 100 --latency-correction | percentiles)"
done
# RssAnon is the hub's own memory; RssFile the pages of the memory-mapped index it has read.
echo "hub RSS: $(awk '/^(VmHWM|VmRSS|RssAnon|RssFile):/ {printf "%s %.0f MiB  ", $1, $2/1024}' /proc/$HUB/status)"
