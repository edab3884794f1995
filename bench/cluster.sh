#!/usr/bin/env bash
# Scaling out on one machine: the cluster of scripts/cluster (3 keel
# instances, a 3-node Galera cluster, Redis, nginx) against one keel on one
# MariaDB, in one run. wrk -t1 -c32 -d10s, medians of RUNS:
#   - through nginx with 3 instances, then with 1 (k2, k3 taken out):
#     GET /api/bookings/{id}, POST /api/bookings, GET /fetch-data;
#   - creates/s straight to one keel: on Galera (k1) vs on a single MariaDB;
#   - what read-your-writes costs: 2,000 point SELECTs over one session on
#     g3 with wsrep_sync_wait = 0 and = 1.
# Everything shares this machine's cores (nginx, three keels, three Galera
# nodes, wrk): compare ratios, not absolute numbers.
# Writes bench/results/cluster-<stamp>.md.
# Usage: bench/cluster.sh [runs=3]
source "$(dirname "$0")/lib.sh"
RUNS="${1:-3}"
cd "$BENCH_ROOT"
scripts/setup --bench >/dev/null
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null && cmake --build build -j "$(nproc)" --target keel >/dev/null
WORK="$(mktemp -d)"; KPID=""
export KEEL_CLUSTER_DIR="$WORK/cluster"
cleanup() {
  [[ -n "$KPID" ]] && kill "$KPID" 2>/dev/null || true
  scripts/cluster down >/dev/null 2>&1 || true
  bench_db_stop
  rm -rf "$WORK"
}
trap cleanup EXIT

KEY=bench-admin-key  # admin: not rate limited, so wrk measures the server
COMMON=(KEEL_LOG_LEVEL=warn KEEL_BOOKING_HORIZON_DAYS=3650 KEEL_ADMIN_API_KEY=$KEY
        KEEL_JOB_MARKET_EVERY=off KEEL_JOB_REPORT_EVERY=off)
env "${COMMON[@]}" scripts/cluster up >"$WORK/status.json"
st() { /usr/bin/python3 -c "import json,sys; s=json.load(open('$WORK/status.json')); print(eval(sys.argv[1]))" "$1"; }
NGINX=$(st 's["nginx"]["url"]')
K1=$(st 's["instances"][0]["url"]')
G1=$(st 's["galera"][0]["port"]'); G3=$(st 's["galera"][2]["port"]')
DB=(mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -ukeel -pkeel keel)

ALLDAY='{"mon":[["00:00","24:00"]],"tue":[["00:00","24:00"]],"wed":[["00:00","24:00"]],"thu":[["00:00","24:00"]],"fri":[["00:00","24:00"]],"sat":[["00:00","24:00"]],"sun":[["00:00","24:00"]]}'
seed() {  # seed PORT: the two services the runs book
  "${DB[@]}" -P "$1" -e "INSERT INTO services (slug, name, durations, slot_step_min, opening_hours, closed_dates) VALUES
    ('bench-read', 'Read', '[30]', 15, '$ALLDAY', '[]'), ('bench-1', 'Write', '[15]', 15, '$ALLDAY', '[]')"
}
seed "$G1"
created=$(curl -sS -X POST -H 'Content-Type: application/json' "$NGINX/api/bookings" \
  -d '{"name":"Read Me","email":"r@example.com","service":"bench-read","starts_at":"'"$(date -u -d '+2 days' +%F)"'T10:00:00Z","duration_minutes":30}')
ID=$(echo "$created" | sed -E 's/.*"id":([0-9]+).*/\1/')
TOKEN=$(echo "$created" | sed -E 's/.*"manage_token":"([^"]+)".*/\1/')
# A 20,000-record dataset for /fetch-data (synced once, seen by every instance).
/usr/bin/python3 - "$WORK/feed.csv" <<'PY'
import csv, sys
with open(sys.argv[1], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["sku", "name", "price", "stock"])
    for i in range(20000):
        w.writerow([f"SKU-{i:06d}", f"Product {i}", f"{(i % 997) / 10:.2f}", i % 50])
PY
code=$(curl -sS -o "$WORK/put.json" -w '%{http_code}' -X PUT -H "X-API-Key: $KEY" -H 'Content-Type: text/csv' \
  -H 'Expect:' -T "$WORK/feed.csv" "$NGINX/api/admin/datasets/bench")
[[ "$code" == 2* ]] || { echo "dataset PUT: $code $(cat "$WORK/put.json")" >&2; exit 1; }
sleep 1.5  # every instance sees the new generation within 1 s

declare -A R
RUN_NO=0
measure() {  # measure LABEL BASE_URL: GET by id, POST, /fetch-data, RUNS times
  local label="$1" base="$2" i r p99 start
  for i in $(seq 1 "$RUNS"); do
    read -r r _ p99 < <(wrk_run "$base/api/bookings/$ID" -t1 -c32 -d10s -H "Authorization: Bearer $TOKEN")
    R[$label.get]+="$r "; R[$label.get.p99]+="$p99 "
    # Each run books from its own start so no run collides with another.
    RUN_NO=$(( RUN_NO + 1 ))
    start=$(( $(date -u -d "+$(( 20 + (RUN_NO - 1) * 400 )) days" +%s) / 86400 * 86400 ))
    read -r r _ p99 < <(BENCH_BASE="$start" wrk_run "$base" -t1 -c32 -d10s -s bench/wrk_create_booking.lua)
    R[$label.post]+="$r "; R[$label.post.p99]+="$p99 "
    read -r r _ p99 < <(wrk_run "$base/fetch-data?dataset=bench&offset=10000&limit=100" -t1 -c32 -d10s -H "X-API-Key: $KEY")
    R[$label.fetch]+="$r "; R[$label.fetch.p99]+="$p99 "
  done
}
med() { printf '%s\n' ${R[$1]} | median; }

measure nginx3 "$NGINX"
scripts/cluster out k2 >/dev/null; scripts/cluster out k3 >/dev/null
measure nginx1 "$NGINX"
scripts/cluster in k2 >/dev/null; scripts/cluster in k3 >/dev/null
measure galera_k1 "$K1"

# The same keel alone on one MariaDB (scripts/dev-db), while the cluster idles.
bench_db_start
KPORT=$(free_port)
env "${COMMON[@]}" KEEL_PORT=$KPORT KEEL_DB_URL="$BENCH_DB_URL" KEEL_AUTO_MIGRATE=1 \
  KEEL_DATA_DIR="$WORK/single-data" KEEL_STATIC_DIR="$WORK/static" ./build/keel serve >"$WORK/keel.log" 2>&1 &
KPID=$!
wait_port "$KPORT"  # listening once migrated
seed "$KEEL_DEV_DB_PORT"
created=$(curl -sS -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$KPORT/api/bookings" \
  -d '{"name":"Read Me","email":"r@example.com","service":"bench-read","starts_at":"'"$(date -u -d '+2 days' +%F)"'T10:00:00Z","duration_minutes":30}')
SID=$(echo "$created" | sed -E 's/.*"id":([0-9]+).*/\1/'); STOKEN=$(echo "$created" | sed -E 's/.*"manage_token":"([^"]+)".*/\1/')
for i in $(seq 1 "$RUNS"); do
  read -r r _ p99 < <(wrk_run "http://127.0.0.1:$KPORT/api/bookings/$SID" -t1 -c32 -d10s -H "Authorization: Bearer $STOKEN")
  R[single.get]+="$r "; R[single.get.p99]+="$p99 "
  start=$(( $(date -u -d "+$(( 20 + (i - 1) * 400 )) days" +%s) / 86400 * 86400 ))
  read -r r _ p99 < <(BENCH_BASE="$start" wrk_run "http://127.0.0.1:$KPORT" -t1 -c32 -d10s -s bench/wrk_create_booking.lua)
  R[single.post]+="$r "; R[single.post.p99]+="$p99 "
done
kill "$KPID"; wait "$KPID" 2>/dev/null || true; KPID=""

# Read-your-writes: one session on g3, 2,000 primary-key reads.
sync_wait_ms() {  # sync_wait_ms VALUE -> ms per SELECT
  local sql="$WORK/reads.sql" t0 t1
  { echo "SET SESSION wsrep_sync_wait = $1;"; for _ in $(seq 1 2000); do echo "SELECT id FROM bookings WHERE id = $ID;"; done; } >"$sql"
  t0=$(date +%s%N); "${DB[@]}" -P "$G3" -N <"$sql" >/dev/null; t1=$(date +%s%N)
  awk -v ns=$(( t1 - t0 )) 'BEGIN{printf "%.3f", ns / 2000 / 1e6}'
}
for i in $(seq 1 "$RUNS"); do R[sw0]+="$(sync_wait_ms 0) "; R[sw1]+="$(sync_wait_ms 1) "; done

out="$RESULTS/cluster-$(bench_stamp).md"
{
  bench_header "keel scaled out: 3 instances behind nginx on a 3-node Galera cluster"
  echo "wrk -t1 -c32 -d10s, $RUNS runs, medians (p99 in ms). All on this machine's $(nproc) cores: nginx (1 worker), three keels, three Galera nodes and wrk share them, so the figures say what the parts cost, not what separate machines would give."
  echo
  echo "| path | GET /api/bookings/{id} req/s (p99) | POST /api/bookings req/s (p99) | GET /fetch-data req/s (p99) |"
  echo "|---|---|---|---|"
  for l in nginx3 nginx1 galera_k1; do
    case $l in nginx3) name="nginx → 3 instances → Galera" ;; nginx1) name="nginx → 1 instance → Galera" ;; galera_k1) name="1 instance direct → Galera" ;; esac
    echo "| $name | $(med $l.get) ($(med $l.get.p99)) | $(med $l.post) ($(med $l.post.p99)) | $(med $l.fetch) ($(med $l.fetch.p99)) |"
  done
  echo "| 1 instance direct → single MariaDB | $(med single.get) ($(med single.get.p99)) | $(med single.post) ($(med single.post.p99)) | — |"
  echo
  echo "- 3 vs 1 instance through nginx: GET $(ratio "$(med nginx3.get)" "$(med nginx1.get)")×, POST $(ratio "$(med nginx3.post)" "$(med nginx1.post)")×, /fetch-data $(ratio "$(med nginx3.fetch)" "$(med nginx1.fetch)")×."
  echo "- creates on Galera vs a single MariaDB (one keel, direct): $(ratio "$(med galera_k1.post)" "$(med single.post)")×; reads $(ratio "$(med galera_k1.get)" "$(med single.get)")×."
  echo "- read-your-writes on g3: $(med sw0) ms per primary-key SELECT with wsrep_sync_wait=0, $(med sw1) ms with =1 (keel's setting)."
  echo
  echo "Every run:"
  for k in $(printf '%s\n' "${!R[@]}" | sort); do echo "- $k: ${R[$k]}"; done
} >"$out"
cat "$out"
echo "written: $out"
