#!/usr/bin/env bash
# Before/after benchmarks of two builds of Lotse on the same machine, alternating per round
# (base first in odd rounds, new first in even ones) so that both see the same noise; the
# summary (scripts/bench-compare-summary.py) reports medians, ranges and after/before ratios.
#
#   BASE_DIR=/path/to/old/checkout NEW_DIR=. scripts/bench-compare.sh
#
# Each checkout must have its release builds:
#   cargo build --release -p lotse-cli -p lotse-bench --bins
#   cargo build --release -p lotse-hub --example harvest_bench
#   cargo test --release -p lotse-node --test bulk --no-run
# BASE_REL and NEW_REL name their target/release folders (default: DIR/target/release).
# The search benchmarks reuse one index per size under INDEX_DIR (built on first use, its
# build not measured); the PostgreSQL harvest gets a fresh database per run on PG_SERVER.
# Raw outputs go to OUT/<bench>-<side>-<round>.txt. All traffic stays on 127.0.0.1.
set -uo pipefail
BASE_DIR=${BASE_DIR:?the old checkout}
NEW_DIR=${NEW_DIR:-.}
BASE_REL=${BASE_REL:-$BASE_DIR/target/release}
NEW_REL=${NEW_REL:-$NEW_DIR/target/release}
OUT=${OUT:-/tmp/lotse-bench-compare}
INDEX_DIR=${INDEX_DIR:-/tmp/lotse-bench-index}
PG_SERVER=${PG_SERVER:-postgres://postgres@127.0.0.1:5432}
ROUNDS=${ROUNDS:-3}
WHICH=${WHICH:-bulk harvest harvestpg search100k search1m freshness}
mkdir -p "$OUT" "$INDEX_DIR"
side_dir() { [ "$1" = base ] && echo "$BASE_DIR" || echo "$NEW_DIR"; }
rel() { [ "$1" = base ] && echo "$BASE_REL" || echo "$NEW_REL"; }
bulk_bin() { ls -t "$(rel "$1")"/deps/bulk-* 2>/dev/null | grep -v '\.d$' | head -1; }
run() { # bench side round
  local b=$1 s=$2 r=$3 R f; R=$(rel "$s"); f=$OUT/$b-$s-$r.txt
  (cd "$(side_dir "$s")" && case $b in
    bulk) LOTSE_BULK_N=100000 LOTSE_TEST_POSTGRES_URL=$PG_SERVER/test taskset -c 1 "$(bulk_bin "$s")" --ignored --nocapture ;;
    harvest) taskset -c 1 "$R/examples/harvest_bench" 100000 ;;
    harvestpg)
      db=lotse_bench_harvest_$s$r
      psql -q "$PG_SERVER/test" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
      taskset -c 1 "$R/examples/harvest_bench" 100000 "$PG_SERVER/$db"
      psql -q "$PG_SERVER/test" -c "DROP DATABASE IF EXISTS $db" >/dev/null ;;
    search100k) taskset -c 1 "$R/lotse-bench" search --offers 100000 --queries 300 --index-dir "$INDEX_DIR/100k" --reuse-index ;;
    search1m) taskset -c 1 "$R/lotse-bench" search --offers 1000000 --queries 300 --index-dir "$INDEX_DIR/1m" --reuse-index ;;
    freshness) "$R/lotse-bench" freshness --preload 100000 --changes 300 --rate 10 --qps 50 ;;
  esac) > "$f" 2>&1
  echo "$(date +%T) $b $s $r rc=$?" >> "$OUT/log"
}
for r in $(seq 1 "$ROUNDS"); do
  for b in $WHICH; do
    if [ $((r % 2)) = 1 ]; then run "$b" base "$r"; run "$b" new "$r"; else run "$b" new "$r"; run "$b" base "$r"; fi
  done
done
python3 "$(dirname "$0")/bench-compare-summary.py" "$OUT"
