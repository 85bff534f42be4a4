#!/usr/bin/env bash
# Pushdown against ingest + local work, on one PostgreSQL table of ROWS
# rows (default 10,000,000) × 7 columns: profile and check, each pushed
# down (--pushdown) and loaded (--pushdown=off), with wall time, peak RSS
# and the rows that crossed the wire. Heavy: run it under
#   flock /tmp/plumb-bench.lock bash bench/pushdown.sh
# The table is made once (schema plumb_bench) and kept for reruns;
# DROP SCHEMA plumb_bench CASCADE removes it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-10000000}
PG=${PLUMB_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
table=plumb_bench.t$ROWS
bin=${PLUMB:-/tmp/plumb-bench/plumb}
mkdir -p "$(dirname "$bin")"
go build -tags duckdb_arrow -o "$bin" ./cmd/plumb

if ! psql "$PG" -qtAc "SELECT 1 FROM $table LIMIT 1" >/dev/null 2>&1; then
  echo "--- creating $table ($ROWS rows)"
  start=$(date +%s.%N)
  psql "$PG" -q -v ON_ERROR_STOP=1 <<SQL
CREATE SCHEMA IF NOT EXISTS plumb_bench;
CREATE UNLOGGED TABLE $table AS
SELECT g::bigint AS id,
       CASE WHEN g % 50 = 0 THEN NULL WHEN g % 97 = 0 THEN 'N/A' ELSE 'customer ' || (g % 200000) END AS name,
       round((g % 100000) * 1.37, 2)::numeric(12,2) AS amount,
       (g % 1000) / 7.0::float8 AS score,
       timestamp '2020-01-01' + (g % 100000) * interval '1 minute' AS ts,
       g % 3 = 0 AS flag,
       'c' || (g % 1000) AS code
FROM generate_series(1, $ROWS) g;
ALTER TABLE $table ADD PRIMARY KEY (id);
ANALYZE $table;
SQL
  echo "created in $(echo "$(date +%s.%N) - $start" | bc) s"
fi

rules=$(mktemp --suffix=.yaml)
cat > "$rules" <<'YAML'
checks:
  - not_null: [name, amount]
  - unique: [id]
  - range: {column: amount, min: 0, max: 100000}
  - length: {column: code, max: 3}
  - accepted_values: {column: code, values: [c1, c2, c3]}
    max_failures: 100%
  - row_count: {min: 1}
YAML
spec="$PG&table=$table"
run() { # label, plumb args…
  local label=$1; shift
  local out; out=$(mktemp)
  /usr/bin/time -v "$bin" --threads 2 "$@" --format json -o "$out.json" 2>"$out.err" || true
  local wall rss moved
  wall=$(grep "Elapsed (wall clock)" "$out.err" | awk '{print $NF}')
  rss=$(grep "Maximum resident set size" "$out.err" | awk '{print $NF}')
  moved=$(python3 -c "import json,sys; r=json.load(open('$out.json'))['result']; p=r.get('pushdown'); print(p['rows_moved'] if p else 'all ($ROWS)')" 2>/dev/null || echo "?")
  printf "%-28s wall %-9s peak RSS %6d MB   rows moved %s\n" "$label" "$wall" $((rss / 1024)) "$moved"
  grep "^plumb: pushdown" "$out.err" || true
  rm -f "$out" "$out.json" "$out.err"
}
echo "--- $ROWS rows, PostgreSQL $(psql "$PG" -qtAc 'SHOW server_version'), plumb $(git rev-parse --short HEAD)"
run "profile --pushdown" profile "$spec" --pushdown
run "profile (ingest + local)" profile "$spec" --pushdown=off
run "check --pushdown" check "$spec" --rules "$rules" --pushdown
run "check (ingest + local)" check "$spec" --rules "$rules" --pushdown=off
rm -f "$rules"
