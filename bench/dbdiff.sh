#!/usr/bin/env bash
# Benchmark of plumb diff across databases (issue #19): a table of ROWS
# rows in PostgreSQL and in MariaDB, the same rows but for 100 scattered
# differences (updates, deletes, inserts), diffed by pull, merge and
# bisect; then 10% of the rows changed, diffed by pull, auto and bisect.
# auto-remote is auto told the servers are across a slow link (--remote).
# Prints wall time, peak RSS, and the rows and bytes each side moved
# (from --explain). Heavy: run it under the bench lock:
#
#   flock /tmp/plumb-bench.lock bench/dbdiff.sh            # 5M rows
#   ROWS=1000000 flock /tmp/plumb-bench.lock bench/dbdiff.sh
#   REPEAT=3 SETUP=0 flock …   # each strategy 3 times, interleaved
#
# The machine is shared: other work not under the lock changes wall
# times by 2x between runs; compare strategies within one run, and
# prefer REPEAT>1 (the runs interleave) and the median.
#
# Needs PLUMB_TEST_POSTGRES / PLUMB_TEST_MYSQL-style servers: PG (psql,
# postgres@127.0.0.1:5432/test) and MariaDB (mysql, root@127.0.0.1:3306/test).
# SETUP=0 reuses tables left by an earlier run of the same size.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-5000000}
SETUP=${SETUP:-1}
PGURL=${PGURL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
out=${OUT:-/tmp/plumb-dbdiff-bench}
mkdir -p "$out"
bin=$out/plumb
go build -tags duckdb_arrow -o "$bin" ./cmd/plumb

psqlq() { psql -qAt "$PGURL" -c "$1"; }
myq() { mysql -uroot -h127.0.0.1 -N test -e "$1"; }

if [ "$SETUP" = 1 ]; then
  echo "setup: $ROWS rows in PostgreSQL and MariaDB" >&2
  t0=$(date +%s)
  psqlq "DROP TABLE IF EXISTS public.bench_dbdiff"
  psqlq "CREATE TABLE public.bench_dbdiff (id bigint PRIMARY KEY, name text, amount numeric(12,2), score float8, ts timestamptz, flag boolean, note text)"
  psqlq "INSERT INTO public.bench_dbdiff SELECT g, 'customer ' || g, round((g % 100000) * 1.37, 2), (g % 9973) / 7.0, timestamptz '2020-01-01 00:00:00+00' + g * interval '1.25 second', g % 3 = 0, md5(g::text) FROM generate_series(1, $ROWS) g"
  psqlq "VACUUM ANALYZE public.bench_dbdiff"
  myq "DROP TABLE IF EXISTS bench_dbdiff"
  myq "CREATE TABLE bench_dbdiff (id bigint PRIMARY KEY, name varchar(64), amount decimal(12,2), score double, ts datetime(6), flag tinyint(1), note varchar(64)) DEFAULT CHARSET utf8mb4"
  step=1000000
  for ((lo = 1; lo <= ROWS; lo += step)); do
    hi=$((lo + step - 1)); [ $hi -gt "$ROWS" ] && hi=$ROWS
    myq "INSERT INTO bench_dbdiff SELECT seq, concat('customer ', seq), round((seq % 100000) * 1.37, 2), (seq % 9973) / 7.0e0, timestamp'2020-01-01 00:00:00' + interval seq * 1250 * 1000 microsecond, seq % 3 = 0, md5(seq) FROM seq_${lo}_to_${hi}"
  done
  myq "ANALYZE TABLE bench_dbdiff" >/dev/null
  echo "setup took $(( $(date +%s) - t0 )) s" >&2
fi

# 100 scattered differences on the MariaDB side: 40 updates, 30 deletes,
# 30 inserts, at keys spread over the table (reset first).
reset() {
  local s=$((ROWS / 100))
  myq "DELETE FROM bench_dbdiff WHERE id > $ROWS"
  myq "UPDATE bench_dbdiff SET name = concat('customer ', id) WHERE name = 'changed'"
  myq "INSERT IGNORE INTO bench_dbdiff SELECT id, concat('customer ', id), round((id % 100000) * 1.37, 2), (id % 9973) / 7.0e0, timestamp'2020-01-01 00:00:00' + interval id * 1250 * 1000 microsecond, id % 3 = 0, md5(id) FROM (SELECT seq * $s + 5003 AS id FROM seq_40_to_69) d"
}
scatter() {
  local s=$((ROWS / 100))
  myq "UPDATE bench_dbdiff SET name = 'changed' WHERE id IN (SELECT seq * $s + 7 FROM seq_0_to_39)"
  myq "DELETE FROM bench_dbdiff WHERE id IN (SELECT seq * $s + 5003 FROM seq_40_to_69)"
  myq "INSERT INTO bench_dbdiff SELECT $ROWS + seq, 'new', 1.00, 1, '2024-01-01', 0, 'x' FROM seq_1_to_30"
}

run() { # name strategy [flags]
  local name=$1 strategy=$2
  shift 2
  /usr/bin/time -v "$bin" diff "$PGURL&table=public.bench_dbdiff" "mysql://root@127.0.0.1:3306/test?table=bench_dbdiff" \
    --key id --strategy "$strategy" --explain "$@" --format json --output "$out/$name.json" 2>"$out/$name.err" || true
  local wall rss
  wall=$(grep "Elapsed (wall" "$out/$name.err" | awk '{print $NF}')
  rss=$(grep "Maximum resident" "$out/$name.err" | awk '{print $NF}')
  local found
  found=$(python3 -c "import json;d=json.load(open('$out/$name.json'))['result'];print(d['changed'],d['only_in_source'],d['only_in_target'])" 2>/dev/null || echo "? ? ?")
  printf "%-22s %-8s wall %-9s rss %6d MB  changed/only-src/only-tgt %s\n" "$name" "$(grep -m1 '^plan:' "$out/$name.err" | awk '{print $3}')" "$wall" $((rss / 1024)) "$found"
  grep -E "^(source|target|segments)" "$out/$name.err" | sed 's/^/    /'
}

REPEAT=${REPEAT:-1}
reset; scatter
echo "== $ROWS rows a side, 100 differences"
for ((i = 1; i <= REPEAT; i++)); do
  run pull-100-$i pull
  run merge-100-$i merge
  run bisect-100-$i bisect
  run auto-100-$i auto
  run auto-remote-100-$i auto --remote
done
echo "== 10% of the rows changed"
myq "UPDATE bench_dbdiff SET score = score + 1 WHERE id % 10 = 3"
for ((i = 1; i <= REPEAT; i++)); do
  run pull-10pct-$i pull
  run auto-10pct-$i auto
  run auto-remote-10pct-$i auto --remote
  run bisect-10pct-$i bisect
done
myq "UPDATE bench_dbdiff SET score = (id % 9973) / 7.0e0 WHERE id % 10 = 3"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
