#!/usr/bin/env bash
# Soak of the scheduled jobs (issue 14): the market job every 1 s (keel
# fetching a sample from its own static folder, storing it in Redis) and the
# report job every 10 s over 10,000 bookings, for KEEL_BENCH_SOAK_MIN minutes,
# while wrk reads /api/market-indices and /api/health. Every second it
# samples keel's RSS, Redis's connected_clients, keel's MariaDB connections
# and the files in keel's temp folder. Bars: RSS end - warm-up <= 1 MiB,
# connected_clients constant, MariaDB connections <= pool + overflow + 1, no
# temp file left. Writes bench/results/jobs-<stamp>.md, .csv and .png.
#   KEEL_BENCH_SOAK_MIN  minutes (30); the first tenth (at least 1 min) is warm-up
#   KEEL_BENCH_BOOKINGS  bookings seeded (10000)
source "$(dirname "$0")/lib.sh"
MINUTES="${KEEL_BENCH_SOAK_MIN:-30}"
BOOKINGS="${KEEL_BENCH_BOOKINGS:-10000}"
DURATION=$((MINUTES * 60))
WARMUP=$((DURATION / 10 < 60 ? 60 : DURATION / 10))
cd "$BENCH_ROOT"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null && cmake --build build -j 2 --target keel >/dev/null
for t in wrk curl mariadb redis-cli gnuplot /usr/bin/python3; do
  command -v "$t" >/dev/null || { echo "missing $t (scripts/setup --bench)" >&2; exit 2; }
done

STAMP="$(bench_stamp)"
OUT="$RESULTS/jobs-$STAMP.md"
CSV="$RESULTS/jobs-$STAMP.csv"
PNG="$RESULTS/jobs-$STAMP.png"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/keel-bench-jobs-XXXXXX")"
KPID=""; W1=""; W2=""
stop_pid() {
  local p="$1" i
  [[ -n "$p" ]] || return 0
  kill "$p" 2>/dev/null || return 0
  for i in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
}
RPORT=$(free_port)
redis() { KEEL_DEV_REDIS_DIR="$WORK/redis" KEEL_DEV_REDIS_PORT="$RPORT" scripts/dev-redis "$@"; }
cleanup() { stop_pid "$W1"; stop_pid "$W2"; stop_pid "$KPID"; redis stop >/dev/null 2>&1; bench_db_stop; rm -rf "$WORK"; }
trap cleanup EXIT
bench_db_start
redis start >/dev/null
KEY=bench-admin-key
mkdir -p "$WORK/static" "$WORK/data"
cp scripts/market-sample.json "$WORK/static/market.json"
KPORT=$(free_port)
env KEEL_PORT="$KPORT" KEEL_THREADS=1 KEEL_DB_URL="$BENCH_DB_URL" KEEL_AUTO_MIGRATE=1 KEEL_LOG_LEVEL=warn \
  KEEL_ADMIN_API_KEY=$KEY KEEL_DATA_DIR="$WORK/data" KEEL_STATIC_DIR="$WORK/static" \
  KEEL_REDIS_URL="$(redis url)" KEEL_MARKET_URL="http://127.0.0.1:$KPORT/static/market.json" \
  KEEL_JOB_MARKET_EVERY=1s KEEL_JOB_REPORT_EVERY=10s KEEL_REPORT_KEEP=3 ./build/keel serve >>"$WORK/keel.log" 2>&1 &
KPID=$!
wait_port "$KPORT" 60

DB_ARGS=(-h 127.0.0.1 -P "$KEEL_DEV_DB_PORT" -ukeel -pkeel keel)
for _ in $(seq 1 100); do mariadb "${DB_ARGS[@]}" -e 'SELECT 1 FROM bookings LIMIT 1' >/dev/null 2>&1 && break; sleep 0.2; done
mariadb "${DB_ARGS[@]}" -e "INSERT INTO bookings (name, email, service, starts_at, ends_at, duration_minutes, status,
  manage_token_hash) SELECT CONCAT('Guest ', seq), CONCAT('guest', seq, '@example.com'),
  ELT(1 + seq % 5, 'haircut', 'massage', 'colour', 'beard trim', 'consultation'), t, t + INTERVAL 30 MINUTE, 30,
  ELT(1 + seq % 4, 'pending', 'confirmed', 'completed', 'cancelled'), UNHEX(SHA2(CONCAT('tok', seq), 256))
  FROM (SELECT seq, UTC_TIMESTAMP(0) - INTERVAL 30 DAY + INTERVAL 1 HOUR
        + INTERVAL (seq * 7919 % (29 * 86400)) SECOND AS t FROM seq_1_to_$BOOKINGS) s"
IDLE=$(rss_kib "$KPID")

# Traffic: two light wrk clients for the whole soak.
wrk -t1 -c4 -d"${DURATION}s" "http://127.0.0.1:$KPORT/api/market-indices" >"$WORK/wrk-market.txt" 2>&1 &
W1=$!
wrk -t1 -c4 -d"${DURATION}s" "http://127.0.0.1:$KPORT/api/health" >"$WORK/wrk-health.txt" 2>&1 &
W2=$!

# keel's connections to MariaDB: every session of user keel but this query's own.
db_conns() { mariadb "${DB_ARGS[@]}" -N -e "SELECT COUNT(*) - 1 FROM information_schema.PROCESSLIST WHERE USER='keel'"; }
redis_clients() { redis-cli -p "$RPORT" INFO clients | awk -F: '/^connected_clients/{print $2+0}'; }
echo "seconds,rss_kib,redis_clients,db_conns,temp_files" >"$CSV"
t0=$SECONDS
while ((SECONDS - t0 < DURATION)); do
  echo "$((SECONDS - t0)),$(rss_kib "$KPID"),$(redis_clients),$(db_conns),$(find "$WORK/data/tmp" -type f 2>/dev/null | wc -l)" >>"$CSV"
  sleep 1
done
wait "$W1" "$W2" 2>/dev/null; W1=""; W2=""
sleep 2
END_RSS=$(rss_kib "$KPID")
JOBS="$(curl -s -H "X-API-Key: $KEY" "http://127.0.0.1:$KPORT/api/admin/jobs")"
TEMP_END=$(find "$WORK/data/tmp" -type f 2>/dev/null | wc -l)
job() { echo "$JOBS" | /usr/bin/python3 -c "import json,sys; j=[j for j in json.load(sys.stdin)['jobs'] if j['name']=='$1'][0]; print(j['runs_total'], j['failures_total'], j['skipped_total'], j['last_error'])"; }
read -r M_RUNS M_FAIL M_SKIP M_ERR <<<"$(job market)"
read -r R_RUNS R_FAIL R_SKIP R_ERR <<<"$(job report)"
REPORTS=$(mariadb "${DB_ARGS[@]}" -N -e "SELECT COUNT(*) FROM reports")
WARM_RSS=$(awk -F, -v w="$WARMUP" 'NR > 1 && $1 <= w {v = $2} END {print v}' "$CSV")
stat() { awk -F, -v c="$1" -v w="$WARMUP" 'NR > 1 && $1 >= w {if (min == "" || $c < min) min = $c; if (max == "" || $c > max) max = $c}
  END {print min, max}' "$CSV"; }
read -r _ PEAK_RSS <<<"$(stat 2)"
read -r RC_MIN RC_MAX <<<"$(stat 3)"
read -r DB_MIN DB_MAX <<<"$(stat 4)"
read -r _ TEMP_MAX <<<"$(stat 5)"
rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
mib() { awk -v k="$1" 'BEGIN {printf "%.2f", k / 1024}'; }
GROWTH=$((END_RSS - WARM_RSS))
yes_no() { if eval "$1"; then echo yes; else echo "**no**"; fi; }

gnuplot <<EOF
set terminal pngcairo size 1100,600 font "DejaVu Sans,10"
set output '$PNG'
set title "keel RSS during a $MINUTES-minute jobs soak (market every 1 s, report every 10 s, wrk traffic)"
set xlabel "seconds"
set ylabel "RSS (MiB)"
set grid
set datafile separator ","
set arrow from $WARMUP, graph 0 to $WARMUP, graph 1 nohead dt 2
plot '$CSV' skip 1 using 1:(\$2/1024.0) with lines lw 2 title "VmRSS (warm-up ends at the dashed line)"
EOF

{
  bench_header "Jobs soak: $MINUTES minutes"
  echo "keel with one io thread, its own MariaDB and Redis; market job every 1 s (fetching a 1 KiB sample from keel's"
  echo "own static folder, SET in Redis), report job every 10 s over $BOOKINGS bookings (KEEL_REPORT_KEEP=3), and"
  echo "wrk -t1 -c4 on /api/market-indices and on /api/health for the whole soak. Sampled every second; warm-up"
  echo "= the first $WARMUP s."
  echo
  echo "| figure | bar | measured | met |"
  echo "|---|---|---|---|"
  echo "| RSS end - warm-up | <= 1 MiB | $(mib "$GROWTH") MiB (idle $(mib "$IDLE"), warm-up $(mib "$WARM_RSS"), peak $(mib "$PEAK_RSS"), end $(mib "$END_RSS")) | $(yes_no "((GROWTH <= 1024))") |"
  echo "| Redis connected_clients after warm-up | constant | $RC_MIN to $RC_MAX (keel's one connection + the sampler's redis-cli) | $(yes_no "((RC_MIN == RC_MAX))") |"
  echo "| keel's MariaDB connections | <= pool + overflow + 1 = 5 | $DB_MIN to $DB_MAX | $(yes_no "((DB_MAX <= 5))") |"
  echo "| temp files | none left | at most $TEMP_MAX at a sample, $TEMP_END at the end | $(yes_no "((TEMP_END == 0))") |"
  echo
  echo "| job | runs | failures | skipped ticks | last error |"
  echo "|---|---|---|---|---|"
  echo "| market | $M_RUNS | $M_FAIL | $M_SKIP | $M_ERR |"
  echo "| report | $R_RUNS | $R_FAIL | $R_SKIP | $R_ERR |"
  echo
  echo "Reports in the table at the end: $REPORTS (KEEL_REPORT_KEEP=3). wrk: /api/market-indices $(rps "$WORK/wrk-market.txt") req/s,"
  echo "/api/health $(rps "$WORK/wrk-health.txt") req/s."
  echo
  echo "Samples: $(basename "$CSV"); plot: $(basename "$PNG")."
} >"$OUT"
cat "$OUT"
