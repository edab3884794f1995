#!/usr/bin/env bash
# Bookings against MariaDB with the default 2 + 2 pool: wrk on
# GET /api/bookings/{id} (with its manage token) and on POST /api/bookings
# (a new slot every request). Writes bench/results/bookings-<stamp>.md.
# Usage: bench/bookings.sh [runs=3]
source "$(dirname "$0")/lib.sh"
RUNS="${1:-3}"
cd "$BENCH_ROOT"
scripts/setup --bench >/dev/null
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null && cmake --build build -j "$(nproc)" --target keel >/dev/null
WORK="$(mktemp -d)"; KPID=""
cleanup() { [[ -n "$KPID" ]] && kill "$KPID" 2>/dev/null || true; bench_db_stop; rm -rf "$WORK"; }
trap cleanup EXIT
bench_db_start
KPORT=$(free_port)
KEEL_PORT=$KPORT KEEL_DB_URL="$BENCH_DB_URL" KEEL_AUTO_MIGRATE=1 KEEL_LOG_LEVEL=warn \
  KEEL_DATA_DIR="$WORK/data" KEEL_STATIC_DIR="$WORK/static" ./build/keel serve >"$WORK/keel.log" 2>&1 &
KPID=$!
wait_port "$KPORT"
created=$(curl -sS -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$KPORT/api/bookings" \
  -d '{"name":"Read Me","email":"r@example.com","service":"bench-read","starts_at":"2039-01-01T10:00:00Z","duration_minutes":30}')
ID=$(echo "$created" | sed -E 's/.*"id":([0-9]+).*/\1/')
TOKEN=$(echo "$created" | sed -E 's/.*"manage_token":"([^"]+)".*/\1/')
declare -a g_rps g_p99 p_rps p_p99
for i in $(seq 1 "$RUNS"); do
  read -r r _ p99 < <(wrk_run "http://127.0.0.1:$KPORT/api/bookings/$ID" -t1 -c32 -d10s -H "Authorization: Bearer $TOKEN"); g_rps+=("$r"); g_p99+=("$p99")
  read -r r _ p99 < <(wrk_run "http://127.0.0.1:$KPORT" -t1 -c32 -d10s -s bench/wrk_create_booking.lua); p_rps+=("$r"); p_p99+=("$p99")
done
codes=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$KPORT/api/bookings/$ID")
# Requests wrk abandoned when it stopped still finish in keel: wait (at most
# 5 s) until every connection is back in the pool, then report it.
for _ in $(seq 1 50); do
  pool=$(curl -s "http://127.0.0.1:$KPORT/api/health/memory" | sed -E 's/.*"db_pool":(\{[^}]*\}).*/\1/')
  [[ "$pool" == *'"checked_out":0'* && "$pool" == *'"waiting":0'* ]] && break
  sleep 0.1
done
rss=$(rss_kib "$KPID")
out="$RESULTS/bookings-$(bench_stamp).md"
{
  bench_header "keel bookings with the 2 + 2 pool"
  echo "wrk -t1 -c32 -d10s, $RUNS runs, medians; MariaDB (scripts/dev-db) on the same machine; access log off."
  echo
  echo "| endpoint | req/s | p99 ms |"
  echo "|---|---|---|"
  echo "| GET /api/bookings/{id} (token) | $(printf '%s\n' "${g_rps[@]}" | median) | $(printf '%s\n' "${g_p99[@]}" | median) |"
  echo "| POST /api/bookings (new slot each) | $(printf '%s\n' "${p_rps[@]}" | median) | $(printf '%s\n' "${p_p99[@]}" | median) |"
  echo
  echo "Pool after the runs: $pool. keel RSS after the runs: $(awk -v k="$rss" 'BEGIN{printf "%.1f", k/1024}') MiB. Last GET status: $codes."
  echo
  echo "runs: GET ${g_rps[*]}; POST ${p_rps[*]}"
} > "$out"
cat "$out"
echo "written: $out"
