#!/usr/bin/env bash
# The report job on 100,000 bookings (all in the 30-day period): each round
# starts a run with POST /api/admin/reports, samples keel's RSS every 50 ms
# until it ends, downloads the report in both codings, then deletes it (so
# the next round covers the same 30 days). Reports the run's time
# (duration_ms), the HTML and gzip sizes, the peak RSS growth over the idle
# process (VmHWM after clear_refs) and where RSS settles after each round,
# against the issue's bounds: peak <= 8 MiB over idle, back within 1 MiB.
# A warm-up report over no bookings runs first (see below); the cold
# process's RSS is printed too.
# Writes bench/results/report-<stamp>.md and report-rss-<stamp>.csv.
#   Usage: bench/report.sh [rounds=3]
#   KEEL_BENCH_BOOKINGS  bookings seeded (100000)
source "$(dirname "$0")/lib.sh"
ROUNDS="${1:-3}"
BOOKINGS="${KEEL_BENCH_BOOKINGS:-100000}"
cd "$BENCH_ROOT"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null && cmake --build build -j 2 --target keel >/dev/null
for t in curl mariadb /usr/bin/python3; do command -v "$t" >/dev/null || { echo "missing $t" >&2; exit 2; }; done

STAMP="$(bench_stamp)"
OUT="$RESULTS/report-$STAMP.md"
RSS_CSV="$RESULTS/report-rss-$STAMP.csv"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/keel-bench-report-XXXXXX")"
KPID=""; SPID=""
stop_pid() {
  local p="$1" i
  [[ -n "$p" ]] || return 0
  kill "$p" 2>/dev/null || return 0
  for i in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
}
cleanup() { stop_pid "$SPID"; stop_pid "$KPID"; bench_db_stop; rm -rf "$WORK"; }
trap cleanup EXIT
bench_db_start
KEY=bench-admin-key
mkdir -p "$WORK/static" "$WORK/data"
KPORT=$(free_port)
env KEEL_PORT="$KPORT" KEEL_THREADS=1 KEEL_DB_URL="$BENCH_DB_URL" KEEL_AUTO_MIGRATE=1 KEEL_LOG_LEVEL=warn \
  KEEL_ADMIN_API_KEY=$KEY KEEL_DATA_DIR="$WORK/data" KEEL_STATIC_DIR="$WORK/static" ./build/keel serve \
  >>"$WORK/keel.log" 2>&1 &
KPID=$!
wait_port "$KPORT" 60
API="http://127.0.0.1:$KPORT/api/admin"
H=(-H "X-API-Key: $KEY")
# VmRSS split into anonymous memory (heap, stacks) and file-backed pages
# (keel's own code faulted in on first use; clean, the kernel may drop them).
rss_anon_kib() { awk '/^RssAnon:/{print $2}' "/proc/$1/status"; }
jq_py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
job() { curl -s "${H[@]}" "$API/jobs" | jq_py "[j for j in d['jobs'] if j['name']=='report'][0]$1"; }

# A warm-up report over no bookings, downloaded both ways and deleted: the
# first run of any kind faults in code keel dropped after start-up, opens
# the jobs' pooled connection and touches the blocking threads' stacks, once
# for the process's life. The rounds then show what a big report leaves.
IDLE_COLD=$(rss_kib "$KPID"); IDLE_COLD_ANON=$(rss_anon_kib "$KPID")
curl -s -o /dev/null -X POST "${H[@]}" "$API/reports"
while [[ "$(job "['running'] or d['jobs'] is None")" != False || "$(job "['last_outcome']")" == None ]]; do sleep 0.1; done
wid=$(curl -s "${H[@]}" "$API/reports" | jq_py "d['reports'][0]['id']")
curl -s -o /dev/null "${H[@]}" "$API/reports/$wid/content"
curl -s -o /dev/null -H 'Accept-Encoding: gzip' "${H[@]}" "$API/reports/$wid/content"
curl -s -o /dev/null -X DELETE "${H[@]}" "$API/reports/$wid"

# Bookings spread over the last 30 days (starts_at), by SQL.
DB_ARGS=(-h 127.0.0.1 -P "$KEEL_DEV_DB_PORT" -ukeel -pkeel keel)
for _ in $(seq 1 100); do mariadb "${DB_ARGS[@]}" -e 'SELECT 1 FROM bookings LIMIT 1' >/dev/null 2>&1 && break; sleep 0.2; done
mariadb "${DB_ARGS[@]}" -e "INSERT INTO bookings (name, email, service, starts_at, ends_at, duration_minutes, status,
  manage_token_hash) SELECT CONCAT('Guest ', seq), CONCAT('guest', seq, '@example.com'),
  ELT(1 + seq % 5, 'haircut', 'massage', 'colour', 'beard trim', 'consultation'), t, t + INTERVAL 30 MINUTE, 30,
  ELT(1 + seq % 4, 'pending', 'confirmed', 'completed', 'cancelled'), UNHEX(SHA2(CONCAT('tok', seq), 256))
  FROM (SELECT seq, UTC_TIMESTAMP(0) - INTERVAL 30 DAY + INTERVAL 1 HOUR
        + INTERVAL (seq * 7919 % (29 * 86400)) SECOND AS t FROM seq_1_to_$BOOKINGS) s"
curl -s "${H[@]}" "$API/reports" >/dev/null  # a pooled connection open: part of the idle baseline
sleep 1

echo "round,seconds,rss_kib,growth_kib" >"$WORK/rss.csv"
sample_rss() {  # sample_rss PID OUT: "epoch,VmRSS KiB" every 50 ms until killed
  local i k v _
  for ((i = 0; i < 72000; i++)); do
    while read -r k v _; do [[ $k == VmRSS: ]] && break; done <"/proc/$1/status" || break
    echo "$EPOCHREALTIME,$v"
    sleep 0.05
  done >"$2"
}
ROWS=()
IDLE0=$(rss_kib "$KPID"); IDLE0_ANON=$(rss_anon_kib "$KPID")
for r in $(seq 1 "$ROUNDS"); do
  base=$(rss_kib "$KPID"); base_anon=$(rss_anon_kib "$KPID")
  echo 5 >"/proc/$KPID/clear_refs"
  sample_rss "$KPID" "$WORK/rss-$r.raw" &
  SPID=$!
  t0=$EPOCHREALTIME
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "${H[@]}" "$API/reports")
  [[ "$code" == 202 ]] || { echo "POST /reports answered $code" >&2; exit 1; }
  while [[ "$(job "['running']")" == True ]]; do sleep 0.1; done
  wall=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.2f", b-a}')
  outcome=$(job "['last_outcome']")
  [[ "$outcome" == ok ]] || { echo "run $r: $outcome $(job "['last_error']")" >&2; exit 1; }
  peak_run=$(( $(hwm_kib "$KPID") - base ))
  rep="$(curl -s "${H[@]}" "$API/reports")"
  id=$(echo "$rep" | jq_py "d['reports'][0]['id']")
  ms=$(echo "$rep" | jq_py "d['reports'][0]['duration_ms']")
  bytes=$(echo "$rep" | jq_py "d['reports'][0]['bytes']")
  stored=$(echo "$rep" | jq_py "d['reports'][0]['stored_bytes']")
  sha=$(echo "$rep" | jq_py "d['reports'][0]['sha256']")
  # Both codings of the content, RSS still sampled.
  t1=$EPOCHREALTIME
  got_sha=$(curl -s "${H[@]}" "$API/reports/$id/content" | sha256sum | cut -d' ' -f1)
  plain_s=$(awk -v a="$t1" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.2f", b-a}')
  t1=$EPOCHREALTIME
  gz_sha=$(curl -s -H 'Accept-Encoding: gzip' "${H[@]}" "$API/reports/$id/content" | gunzip | sha256sum | cut -d' ' -f1)
  gz_s=$(awk -v a="$t1" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.2f", b-a}')
  [[ "$got_sha" == "$sha" && "$gz_sha" == "$sha" ]] || { echo "round $r: content sha256 mismatch" >&2; exit 1; }
  peak_all=$(( $(hwm_kib "$KPID") - base ))
  curl -s -o /dev/null -X DELETE "${H[@]}" "$API/reports/$id"
  sleep 2
  stop_pid "$SPID"; SPID=""
  after=$(rss_kib "$KPID"); after_anon=$(rss_anon_kib "$KPID")
  awk -F, -v r="$r" -v t0="$t0" -v b="$base" '{printf "%d,%.3f,%d,%d\n", r, $1 - t0, $2, $2 - b}' \
    "$WORK/rss-$r.raw" >>"$WORK/rss.csv"
  tmp_left=$(find "$WORK/data/tmp" -type f 2>/dev/null | wc -l)
  ROWS+=("| $r | $ms | $wall | $(awk -v b="$bytes" 'BEGIN{printf "%.1f", b/1048576}') | \
$(awk -v b="$stored" 'BEGIN{printf "%.2f", b/1048576}') | $(awk -v k="$peak_run" 'BEGIN{printf "%.2f", k/1024}') | \
$(awk -v k="$peak_all" 'BEGIN{printf "%.2f", k/1024}') | $plain_s / $gz_s | $(awk -v k="$base" 'BEGIN{printf "%.2f", k/1024}') | \
$(awk -v k="$after" 'BEGIN{printf "%.2f", k/1024}') | $(awk -v a="$after" -v b="$base" 'BEGIN{printf "%+.2f", (a-b)/1024}') | \
$(awk -v a="$after_anon" -v b="$base_anon" -v t="$after" -v u="$base" 'BEGIN{printf "%+.2f / %+.2f", (a-b)/1024, ((t-a)-(u-b))/1024}') | $tmp_left |")
done
IDLE_END=$(rss_kib "$KPID"); IDLE_END_ANON=$(rss_anon_kib "$KPID")
cp "$WORK/rss.csv" "$RSS_CSV"

{
  bench_header "Report job: $BOOKINGS bookings"
  echo "keel with one io thread, its own MariaDB (scripts/dev-db), the report's period covering every booking."
  echo "Each round: POST /api/admin/reports, wait for the job, GET /content plain and gzip (sha256 checked),"
  echo "DELETE the report (the next round covers the same 30 days). Peak = VmHWM after clear_refs, minus the RSS"
  echo "before the round. Bounds (issue 14): peak growth <= 8 MiB, RSS back within 1 MiB."
  echo
  echo "| round | duration_ms | wall s | HTML MiB | gzip MiB | peak run MiB | peak run+downloads MiB | download s plain / gzip | RSS before MiB | RSS after MiB | change MiB | of which anon / file MiB | temp files left |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Cold process before the warm-up report (no bookings): $(awk -v k="$IDLE_COLD" 'BEGIN{printf "%.2f", k/1024}') MiB \
($(awk -v k="$IDLE_COLD_ANON" 'BEGIN{printf "%.2f", k/1024}') MiB anonymous)."
  echo "RSS idle before round 1: $(awk -v k="$IDLE0" 'BEGIN{printf "%.2f", k/1024}') MiB; after the last round: \
$(awk -v k="$IDLE_END" 'BEGIN{printf "%.2f", k/1024}') MiB \
($(awk -v a="$IDLE_END" -v b="$IDLE0" 'BEGIN{printf "%+.2f", (a-b)/1024}') MiB: \
$(awk -v a="$IDLE_END_ANON" -v b="$IDLE0_ANON" 'BEGIN{printf "%+.2f", (a-b)/1024}') MiB anonymous, the rest file-backed code pages)."
  echo
  echo "RSS samples (every 50 ms): $(basename "$RSS_CSV")."
} >"$OUT"
cat "$OUT"
