#!/usr/bin/env bash
# What the pool's pre-ping costs a bookings read, in one run: two keels on
# one MariaDB, one pinging every checkout (KEEL_DB_POOL_ALIVE_BYPASS_MS=0,
# the behaviour before the bypass), one skipping the ping for a connection
# used within 500 ms (the default), measured in alternating rounds with
# wrk -t1 -c32 -d10s on GET /api/bookings/{id}. Medians of RUNS.
# Writes bench/results/db-preping-<stamp>.md.
# Usage: bench/db_preping.sh [runs=3]
source "$(dirname "$0")/lib.sh"
RUNS="${1:-3}"
cd "$BENCH_ROOT"
scripts/setup --bench >/dev/null
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null && cmake --build build -j "$(nproc)" --target keel >/dev/null
WORK="$(mktemp -d)"; PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; bench_db_stop; rm -rf "$WORK"; }
trap cleanup EXIT
bench_db_start

# start_keel BYPASS_MS: sets PORT. (Not in $(...): the PID must reach PIDS in
# this shell, or cleanup would leave the process running.)
start_keel() {
  PORT=$(free_port)
  KEEL_PORT=$PORT KEEL_DB_URL="$BENCH_DB_URL" KEEL_AUTO_MIGRATE=1 KEEL_LOG_LEVEL=warn KEEL_BOOKING_HORIZON_DAYS=3650 \
    KEEL_DB_POOL_ALIVE_BYPASS_MS="$1" KEEL_DATA_DIR="$WORK/data-$1" KEEL_STATIC_DIR="$WORK/static" \
    ./build/keel serve >"$WORK/keel-$1.log" 2>&1 &
  PIDS+=($!)
  wait_port "$PORT"
}
start_keel 0; P0=$PORT
start_keel 500; P500=$PORT
DB=(mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P "$KEEL_DEV_DB_PORT" -ukeel -pkeel keel)
ALLDAY='{"mon":[["00:00","24:00"]],"tue":[["00:00","24:00"]],"wed":[["00:00","24:00"]],"thu":[["00:00","24:00"]],"fri":[["00:00","24:00"]],"sat":[["00:00","24:00"]],"sun":[["00:00","24:00"]]}'
"${DB[@]}" -e "INSERT INTO services (slug, name, durations, slot_step_min, opening_hours, closed_dates) VALUES
  ('bench-read', 'Read', '[30]', 15, '$ALLDAY', '[]')"
created=$(curl -sS -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$P0/api/bookings" \
  -d '{"name":"Read Me","email":"r@example.com","service":"bench-read","starts_at":"'"$(date -u -d '+2 days' +%F)"'T10:00:00Z","duration_minutes":30}')
ID=$(echo "$created" | sed -E 's/.*"id":([0-9]+).*/\1/')
TOKEN=$(echo "$created" | sed -E 's/.*"manage_token":"([^"]+)".*/\1/')
declare -A R
for i in $(seq 1 "$RUNS"); do
  for b in 0 500; do
    port=$P0; [[ $b == 500 ]] && port=$P500
    read -r r _ p99 < <(wrk_run "http://127.0.0.1:$port/api/bookings/$ID" -t1 -c32 -d10s -H "Authorization: Bearer $TOKEN")
    R[$b.rps]+="$r "; R[$b.p99]+="$p99 "
  done
done
med() { printf '%s\n' ${R[$1]} | median; }
pool() { curl -s "http://127.0.0.1:$1/api/health/memory" | /usr/bin/python3 -c 'import json,sys; p=json.load(sys.stdin)["db_pool"]; print("connections %s, reconnects %s" % (sum(h["connections"] for h in p["hosts"]), p["reconnects_total"]))'; }
out="$RESULTS/db-preping-$(bench_stamp).md"
{
  bench_header "GET /api/bookings/{id}: pre-ping at every checkout vs the 500 ms alive bypass"
  echo "wrk -t1 -c32 -d10s, $RUNS alternating rounds, medians; one MariaDB (scripts/dev-db) on the same machine; 2 + 2 pool."
  echo
  echo "| pool | req/s | p99 ms |"
  echo "|---|---|---|"
  echo "| pre-ping every checkout (KEEL_DB_POOL_ALIVE_BYPASS_MS=0, as before) | $(med 0.rps) | $(med 0.p99) |"
  echo "| no pre-ping within 500 ms of the last round trip (default) | $(med 500.rps) | $(med 500.p99) |"
  echo
  echo "Ratio: $(awk -v a="$(med 500.rps)" -v b="$(med 0.rps)" 'BEGIN{printf "%.2f", a / b}')× req/s."
  echo "Pools after the runs: bypass 0: $(pool "$P0"); bypass 500: $(pool "$P500")."
  echo
  echo "runs: bypass 0: ${R[0.rps]}; bypass 500: ${R[500.rps]}"
} >"$out"
cat "$out"
echo "written: $out"
