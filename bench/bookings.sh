#!/usr/bin/env bash
# Bookings against MariaDB with the default 2 + 2 pool: wrk on
# GET /api/bookings/{id} (with its manage token), on POST /api/bookings
# (a new slot every request) and on GET /api/availability for one week of a
# service open Monday-Saturday 09:00-18:00 with 300 bookings in that week.
# Writes bench/results/bookings-<stamp>.md.
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
KEEL_PORT=$KPORT KEEL_DB_URL="$BENCH_DB_URL" KEEL_AUTO_MIGRATE=1 KEEL_LOG_LEVEL=warn KEEL_BOOKING_HORIZON_DAYS=3650 \
  KEEL_DATA_DIR="$WORK/data" KEEL_STATIC_DIR="$WORK/static" ./build/keel serve >"$WORK/keel.log" 2>&1 &
KPID=$!
wait_port "$KPORT"
# The catalogue: bench-read and bench-1 open all day (15-minute grid, any
# multiple of 15 minutes), bench-avail Monday-Saturday 09:00-18:00 (30-minute
# grid, 30 or 60 minutes, 10 minutes after each) with 300 bookings next week.
DB=(mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P "$KEEL_DEV_DB_PORT" -ukeel -pkeel keel)
ALLDAY='{"mon":[["00:00","24:00"]],"tue":[["00:00","24:00"]],"wed":[["00:00","24:00"]],"thu":[["00:00","24:00"]],"fri":[["00:00","24:00"]],"sat":[["00:00","24:00"]],"sun":[["00:00","24:00"]]}'
WEEK='{"mon":[["09:00","18:00"]],"tue":[["09:00","18:00"]],"wed":[["09:00","18:00"]],"thu":[["09:00","18:00"]],"fri":[["09:00","18:00"]],"sat":[["09:00","18:00"]],"sun":[]}'
FROM=$(date -u -d '+8 days' +%F); TO=$(date -u -d '+14 days' +%F)
"${DB[@]}" -e "INSERT INTO services (slug, name, durations, slot_step_min, opening_hours, closed_dates) VALUES
  ('bench-read', 'Read', '[30]', 15, '$ALLDAY', '[]'), ('bench-1', 'Write', '[15]', 15, '$ALLDAY', '[]');
  INSERT INTO services (slug, name, durations, buffer_after_min, slot_step_min, opening_hours, closed_dates)
  VALUES ('bench-avail', 'Availability', '[30,60]', 10, 30, '$WEEK', '[]');
  INSERT INTO bookings (name, email, service, starts_at, ends_at, duration_minutes, status, manage_token_hash)
  SELECT 'Guest', 'g@example.com', 'bench-avail', t, t + INTERVAL 5 MINUTE, 5, 'confirmed', UNHEX(SHA2(CONCAT('b', seq), 256))
  FROM (SELECT seq, TIMESTAMP('$FROM 09:00:00') + INTERVAL (seq DIV 50) DAY + INTERVAL (seq % 50) * 10 MINUTE AS t
        FROM seq_0_to_299) s"
AVAIL="http://127.0.0.1:$KPORT/api/availability?service=bench-avail&from=$FROM&to=$TO&duration=30"
slots=$(curl -s "$AVAIL" | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)["slots"]))')
created=$(curl -sS -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$KPORT/api/bookings" \
  -d '{"name":"Read Me","email":"r@example.com","service":"bench-read","starts_at":"'"$(date -u -d '+2 days' +%F)"'T10:00:00Z","duration_minutes":30}')
ID=$(echo "$created" | sed -E 's/.*"id":([0-9]+).*/\1/')
TOKEN=$(echo "$created" | sed -E 's/.*"manage_token":"([^"]+)".*/\1/')
declare -a g_rps g_p99 p_rps p_p99 a_rps a_p99
for i in $(seq 1 "$RUNS"); do
  read -r r _ p99 < <(wrk_run "http://127.0.0.1:$KPORT/api/bookings/$ID" -t1 -c32 -d10s -H "Authorization: Bearer $TOKEN"); g_rps+=("$r"); g_p99+=("$p99")
  # Each run books from its own start (400 days apart) so runs never collide.
  base=$(( $(date -u -d "+$(( 20 + (i - 1) * 400 )) days" +%s) / 86400 * 86400 ))
  read -r r _ p99 < <(BENCH_BASE="$base" wrk_run "http://127.0.0.1:$KPORT" -t1 -c32 -d10s -s bench/wrk_create_booking.lua); p_rps+=("$r"); p_p99+=("$p99")
  read -r r _ p99 < <(wrk_run "$AVAIL" -t1 -c32 -d10s); a_rps+=("$r"); a_p99+=("$p99")
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
  echo "| GET /api/availability (one week, 300 bookings, $slots slots) | $(printf '%s\n' "${a_rps[@]}" | median) | $(printf '%s\n' "${a_p99[@]}" | median) |"
  echo
  echo "Pool after the runs: $pool. keel RSS after the runs: $(awk -v k="$rss" 'BEGIN{printf "%.1f", k/1024}') MiB. Last GET status: $codes."
  echo
  echo "runs: GET ${g_rps[*]}; POST ${p_rps[*]}; availability ${a_rps[*]}"
} > "$out"
cat "$out"
echo "written: $out"
