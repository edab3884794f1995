#!/usr/bin/env bash
# Soak benchmark (issue #6): N mixed requests (default 1,000,000) with wrk
# against keel, then the same count of the same mix, for the request types it
# implements, against the FastAPI reference peer; RSS of each server sampled
# every second during the run.
#
#   bench/soak/run.sh [N]
#
# Writes bench/results/soak-<stamp>.csv (server,t_s,rss_kib,hwm_kib,phase),
# soak-<stamp>.png (RSS in MiB against seconds, both servers) and
# soak-<stamp>.md (mix, counts, req/s, statuses, RSS figures).
#
# Environment:
#   SOAK_ALLOCATOR   glibc (default: keel's tuned glibc malloc) | jemalloc |
#                    tcmalloc — LD_PRELOAD for keel only
#   SOAK_PRELOAD     any other library to preload into keel (overrides the above)
#   SOAK_PEER        1 (default) runs the FastAPI peer too; 0 keel only
#   SOAK_MIX         override keel's mix, "type=weight,..." (types: health
#                    booking_get booking_create upload download range static
#                    pdf report); the peer gets the same minus the types it lacks
#   SOAK_THREADS / SOAK_CONNS   wrk -t / -c (2 / 32)
#   SOAK_MAX_S       upper bound of one wrk run in seconds (default 3600)
#   SOAK_RESULTS     output folder (default bench/results)
#   SOAK_NAME        output file prefix (default soak)
#   SOAK_SKIP_BUILD  1: use build/keel as it is
#
# Definitions used in the .md: idle = RSS just before wrk starts (after the
# set-up requests); warm-up = the first sample at or after 10 % of the load
# phase; end = the last sample under load; after = 3 s after the load;
# peak = VmHWM (whole life of the process); growth after warm-up =
# end - warm-up and max(samples after warm-up) - warm-up.
source "$(dirname "$0")/../lib.sh"
N="${1:-1000000}"
[[ "$N" =~ ^[0-9]+$ ]] && (( N > 0 )) || { echo "usage: $0 [requests]" >&2; exit 2; }
THREADS="${SOAK_THREADS:-2}"
CONNS="${SOAK_CONNS:-32}"
MAX_S="${SOAK_MAX_S:-3600}"
PEER="${SOAK_PEER:-1}"
ALLOCATOR="${SOAK_ALLOCATOR:-glibc}"
OUTDIR="${SOAK_RESULTS:-$RESULTS}"
NAME="${SOAK_NAME:-soak}"
(( N % THREADS == 0 )) || { echo "requests ($N) must be a multiple of wrk threads ($THREADS)" >&2; exit 2; }
(( CONNS % THREADS == 0 )) || { echo "connections ($CONNS) must be a multiple of wrk threads ($THREADS)" >&2; exit 2; }
PER_THREAD=$(( N / THREADS ))

# Weights per 10,000: PDFs 0.2 % (one in twenty of them the admin report),
# creates 2 %.
DEFAULT_MIX="health=3100,booking_get=1500,booking_create=200,upload=500,download=1000,range=1480,static=2200,pdf=19,report=1"
MIX="${SOAK_MIX:-$DEFAULT_MIX}"
# The peer has no bookings: same weights without booking_get/booking_create.
PEER_MIX="$(echo "$MIX" | tr ',' '\n' | { grep -v -E '^(booking_get|booking_create)=' || true; } | paste -sd, -)"

case "$ALLOCATOR" in
  glibc) PRELOAD="" ;;
  jemalloc) PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 ;;
  tcmalloc) PRELOAD=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4 ;;
  *) echo "SOAK_ALLOCATOR: glibc, jemalloc or tcmalloc" >&2; exit 2 ;;
esac
PRELOAD="${SOAK_PRELOAD:-$PRELOAD}"
[[ -z "$PRELOAD" || -f "$PRELOAD" ]] || { echo "no $PRELOAD (scripts/setup --bench installs it)" >&2; exit 2; }

cd "$BENCH_ROOT"
SOAK_DIR="$BENCH_ROOT/bench/soak"
if [[ "${SOAK_SKIP_BUILD:-0}" != 1 ]]; then
  scripts/setup --bench >/dev/null
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null && cmake --build build -j "$(nproc)" --target keel >/dev/null
fi
for t in wrk curl gnuplot /usr/bin/python3; do
  command -v "$t" >/dev/null || { echo "missing $t: scripts/setup --bench" >&2; exit 2; }
done
mkdir -p "$OUTDIR"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/keel-soak-XXXXXX")"
KPID=""; FPID=""; SPID=""; WPID=""
stop_pid() {  # stop_pid PID [signal]: signal, wait up to 10 s, then SIGKILL
  local p="$1" sig="${2:-TERM}" i
  [[ -n "$p" ]] || return 0
  kill -"$sig" "$p" 2>/dev/null || return 0
  for i in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$WPID"; stop_pid "$SPID"; stop_pid "$KPID"; stop_pid "$FPID"
  WPID=""; SPID=""; KPID=""; FPID=""
  bench_db_stop
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

STAMP="$(bench_stamp)"
CSV="$OUTDIR/$NAME-$STAMP.csv"
PNG="$OUTDIR/$NAME-$STAMP.png"
MD="$OUTDIR/$NAME-$STAMP.md"
echo "server,t_s,rss_kib,hwm_kib,phase" > "$CSV"

mib() { awk -v k="$1" 'BEGIN{printf "%.1f", k/1024}'; }
tree_hwm_kib() {
  local total=0 p
  for p in $1 $(pgrep -P "$1" || true); do total=$(( total + $(hwm_kib "$p" 2>/dev/null || echo 0) )); done
  echo "$total"
}
tree_cpu_ticks() {  # utime + stime of a process and its children, in clock ticks
  local total=0 p
  for p in $1 $(pgrep -P "$1" || true); do
    total=$(( total + $(awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$p/stat" 2>/dev/null || echo 0) ))
  done
  echo "$total"
}
CLK_TCK=$(getconf CLK_TCK)
# sampler SERVER PID T0_US: a line into the CSV at T0 - 3 s, T0 - 2 s, ...
# (whole seconds from T0, in microseconds since the epoch) until killed; the
# phase is whatever $WORK/phase says (idle, load, after).
sampler() {
  local server="$1" pid="$2" t0="$3" k=-3 now wait_us
  while kill -0 "$pid" 2>/dev/null; do
    now=${EPOCHREALTIME/./}
    wait_us=$(( t0 + k * 1000000 - now ))
    if (( wait_us > 0 )); then sleep "$(( wait_us / 1000000 )).$(printf '%06d' $(( wait_us % 1000000 )))"; fi
    now=${EPOCHREALTIME/./}
    echo "$server,$(awk -v d="$(( now - t0 ))" 'BEGIN{printf "%.1f", d/1e6}'),$(tree_rss_kib "$pid"),$(tree_hwm_kib "$pid"),$(cat "$WORK/phase")" >> "$CSV"
    k=$(( k + 1 ))
    while (( t0 + k * 1000000 < ${EPOCHREALTIME/./} )); do k=$(( k + 1 )); done  # a missed tick is skipped
  done
}

# run_load SERVER PID URL MIX TARGET: idle samples for 3 s, wrk until every
# thread has its count (or MAX_S), 3 s of samples after. Leaves wrk's output
# in $WORK/wrk-SERVER.txt and the figures in variables prefixed by SERVER.
run_load() {
  local server="$1" pid="$2" url="$3" mix="$4" target="$5"
  local done_dir="$WORK/done-$server"
  mkdir -p "$done_dir"
  echo idle > "$WORK/phase"
  local t0=$(( ${EPOCHREALTIME/./} + 3000000 ))
  sampler "$server" "$pid" "$t0" & SPID=$!
  while (( ${EPOCHREALTIME/./} < t0 - 20000 )); do sleep 0.05; done
  local idle; idle=$(tree_rss_kib "$pid")
  echo load > "$WORK/phase"
  local cpu0; cpu0=$(tree_cpu_ticks "$pid")
  local s; s=$(date +%s.%N)
  env SOAK_COUNT="$PER_THREAD" SOAK_CONNS_PER_THREAD=$(( CONNS / THREADS )) SOAK_MIX="$mix" SOAK_TARGET="$target" SOAK_DONE_DIR="$done_dir" \
    SOAK_BOOKING_ID="${BOOKING_ID:-}" SOAK_TOKEN="${TOKEN:-}" SOAK_ADMIN_KEY="${ADMIN_KEY:-}" \
    SOAK_UPLOAD_ID="$UPLOAD_ID" SOAK_UPLOAD_SIZE="$UPLOAD_SIZE" SOAK_REPORT_QUERY="${REPORT_QUERY:-}" \
    wrk --latency -t"$THREADS" -c"$CONNS" -d"${MAX_S}s" --timeout 30s -s "$SOAK_DIR/mix.lua" "$url" \
    >"$WORK/wrk-$server.txt" 2>&1 &
  WPID=$!
  local timed_out=1
  while kill -0 "$WPID" 2>/dev/null; do
    if (( $(find "$done_dir" -type f | wc -l) >= THREADS )); then timed_out=0; break; fi
    sleep 0.1
  done
  local e; e=$(date +%s.%N)
  local cpu1; cpu1=$(tree_cpu_ticks "$pid")
  if kill -0 "$WPID" 2>/dev/null; then kill -INT "$WPID" 2>/dev/null || true; fi
  wait "$WPID" || true
  WPID=""
  echo after > "$WORK/phase"
  sleep 3
  local after; after=$(tree_rss_kib "$pid")
  local hwm; hwm=$(tree_hwm_kib "$pid")
  stop_pid "$SPID"; SPID=""
  local secs; secs=$(awk -v a="$e" -v b="$s" 'BEGIN{printf "%.1f", a-b}')
  # Figures from the CSV: warm-up at 10 % of the load phase, last load
  # sample, max after warm-up.
  read -r warm endv maxv < <(awk -F, -v srv="$server" -v secs="$secs" '
    $1 == srv && $5 == "load" { t[++n] = $2; r[n] = $3 }
    END {
      w = 0; for (i = 1; i <= n; i++) if (t[i] >= 0.1 * secs) { w = i; break }
      if (w == 0) w = n
      m = 0; for (i = w; i <= n; i++) if (r[i] > m) m = r[i]
      print r[w], r[n], m }' "$CSV")
  printf -v "${server}_idle" '%s' "$idle"
  printf -v "${server}_warm" '%s' "$warm"
  printf -v "${server}_end" '%s' "$endv"
  printf -v "${server}_max" '%s' "$maxv"
  printf -v "${server}_after" '%s' "$after"
  printf -v "${server}_hwm" '%s' "$hwm"
  printf -v "${server}_secs" '%s' "$secs"
  printf -v "${server}_timed_out" '%s' "$timed_out"
  printf -v "${server}_cpu" '%s' "$(awk -v a="$cpu1" -v b="$cpu0" -v h="$CLK_TCK" 'BEGIN{printf "%.1f", (a-b)/h}')"
  if (( timed_out )); then echo "$server: wrk stopped by the ${MAX_S} s bound before the count" >&2; fi
}

# ---------------------------------------------------------------- keel
bench_db_start
ADMIN_KEY="soak-admin-key"
mkdir -p "$WORK/keel-data" "$WORK/keel-static" "$WORK/peer-static" "$WORK/peer-uploads" "$WORK/peer-tmp"
head -c 4096 /dev/urandom > "$WORK/keel-static/4k.bin"
cp "$WORK/keel-static/4k.bin" "$WORK/peer-static/4k.bin"
UPLOAD_SIZE=262144
head -c "$UPLOAD_SIZE" /dev/urandom > "$WORK/256k.bin"

KPORT=$(free_port)
env KEEL_PORT="$KPORT" KEEL_DB_URL="$BENCH_DB_URL" KEEL_AUTO_MIGRATE=1 KEEL_LOG_LEVEL=warn \
  KEEL_ADMIN_API_KEY="$ADMIN_KEY" KEEL_DATA_DIR="$WORK/keel-data" KEEL_STATIC_DIR="$WORK/keel-static" \
  ${PRELOAD:+LD_PRELOAD="$PRELOAD"} ./build/keel serve >"$WORK/keel.log" 2>&1 &
KPID=$!
wait_port "$KPORT" 60 || { echo "keel did not start; its log:" >&2; cat "$WORK/keel.log" >&2; exit 1; }
K="http://127.0.0.1:$KPORT"
if [[ -n "$PRELOAD" ]] && ! grep -q "$(basename "$PRELOAD")" "/proc/$KPID/maps"; then
  echo "keel did not load $PRELOAD" >&2; exit 1
fi

# The booking to read, and 100 bookings of their own service for the report
# (a fixed size: the report must not grow with the creates of the run).
created=$(curl -sS -f -X POST -H 'Content-Type: application/json' "$K/api/bookings" \
  -d '{"name":"Soak Reader","email":"reader@example.com","service":"soak-read","starts_at":"2029-01-01T10:00:00Z","duration_minutes":30}')
BOOKING_ID=$(echo "$created" | sed -E 's/.*"id":([0-9]+).*/\1/')
TOKEN=$(echo "$created" | sed -E 's/.*"manage_token":"([^"]+)".*/\1/')
for i in $(seq 0 99); do
  curl -sS -f -o /dev/null -X POST -H 'Content-Type: application/json' "$K/api/bookings" \
    -d "{\"name\":\"Report Row $i\",\"email\":\"row$i@example.com\",\"service\":\"soak-report\",\"starts_at\":\"$(date -u -d "2029-02-01 00:00 UTC + $(( i * 30 )) minutes" +%Y-%m-%dT%H:%M:%SZ)\",\"duration_minutes\":30}"
done
REPORT_QUERY="?service=soak-report"
UPLOAD_ID=$(curl -sS -f -X POST -H "X-API-Key: $ADMIN_KEY" -H 'Content-Type: application/octet-stream' -H 'X-Filename: soak-256k.bin' \
  --data-binary @"$WORK/256k.bin" "$K/api/uploads" | sed -E 's/.*"id":"([^"]+)".*/\1/')
# Each request type once, checked, before the load.
check() { local want="$1"; shift; local got; got=$(curl -sS -o /dev/null -w '%{http_code}' "$@"); [[ "$got" == "$want" ]] || { echo "set-up check: $* -> $got (want $want)" >&2; exit 1; }; }
check 200 "$K/api/health"
check 200 -H "Authorization: Bearer $TOKEN" "$K/api/bookings/$BOOKING_ID"
check 200 "$K/api/uploads/$UPLOAD_ID"
check 206 -r 1000-2000 "$K/api/uploads/$UPLOAD_ID"
check 200 "$K/static/4k.bin"
check 200 -H "Authorization: Bearer $TOKEN" "$K/api/bookings/$BOOKING_ID/pdf"
check 200 -H "X-API-Key: $ADMIN_KEY" "$K/api/admin/bookings/report.pdf$REPORT_QUERY"
curl -sS -o "$WORK/report.pdf" -H "X-API-Key: $ADMIN_KEY" "$K/api/admin/bookings/report.pdf$REPORT_QUERY"
REPORT_PAGES=$(pdfinfo "$WORK/report.pdf" 2>/dev/null | awk '/^Pages:/{print $2}')

echo "keel: $N requests ($ALLOCATOR${SOAK_PRELOAD:+, preload $SOAK_PRELOAD})..." >&2
run_load keel "$KPID" "$K" "$MIX" keel
stop_pid "$KPID"; KPID=""
bench_db_stop
KEEL_LOG_LINES=$(wc -l < "$WORK/keel.log")
KEEL_LOG_HEAD="$(head -n 5 "$WORK/keel.log" | cut -c1-300)"

# ---------------------------------------------------------------- peer
if [[ "$PEER" == 1 ]]; then
  FPORT=$(free_port)
  env TMPDIR="$WORK/peer-tmp" PEER_STORAGE_DIR="$WORK/peer-uploads" PEER_STATIC_DIR="$WORK/peer-static" \
    "$PEERS/fastapi_ref/run.sh" "$FPORT" 1 >"$WORK/fastapi.log" 2>&1 &
  FPID=$!
  wait_port "$FPORT" 60 || { echo "the FastAPI peer did not start; its log:" >&2; cat "$WORK/fastapi.log" >&2; exit 1; }
  F="http://127.0.0.1:$FPORT"
  UPLOAD_ID=$(curl -sS -f -X POST -H 'Content-Type: application/octet-stream' --data-binary @"$WORK/256k.bin" "$F/api/uploads" \
    | sed -E 's/.*"id":"([^"]+)".*/\1/')
  check 200 "$F/api/health"
  check 200 "$F/api/uploads/$UPLOAD_ID"
  check 206 -r 1000-2000 "$F/api/uploads/$UPLOAD_ID"
  check 200 "$F/static/4k.bin"
  check 200 "$F/api/pdf?pages=1"
  echo "fastapi: $N requests..." >&2
  BOOKING_ID="" TOKEN="" ADMIN_KEY="" REPORT_QUERY="" run_load fastapi "$FPID" "$F" "$PEER_MIX" fastapi
  stop_pid "$FPID"; FPID=""
fi

# ---------------------------------------------------------------- outputs
servers=(keel); [[ "$PEER" == 1 ]] && servers+=(fastapi)
plot_lines=()
for s in "${servers[@]}"; do
  awk -F, -v s="$s" 'NR > 1 && $1 == s {print $2, $3 / 1024}' "$CSV" > "$WORK/plot-$s.dat"
  plot_lines+=("$WORK/plot-$s.dat")
done
gnuplot -e "out='$PNG'; keel='$WORK/plot-keel.dat'; peer='${plot_lines[1]:-}'; ttl='RSS under $N mixed requests (keel: $ALLOCATOR malloc)'" \
  "$SOAK_DIR/plot.gp"

wrk_val() { grep -E "^SOAK $2" "$WORK/wrk-$1.txt" | head -1 | cut -d' ' -f3-; }
row() {  # row SERVER
  local s="$1" v
  local idle="${s}_idle" warm="${s}_warm" endv="${s}_end" maxv="${s}_max" after="${s}_after" hwm="${s}_hwm"
  echo "| $s | $(mib "${!idle}") | $(mib "${!warm}") | $(mib "${!hwm}") | $(mib "${!maxv}") | $(mib "${!endv}") | $(mib "${!after}") | $(awk -v a="${!endv}" -v b="${!warm}" 'BEGIN{printf "%+.1f", (a-b)/1024}') | $(awk -v a="${!maxv}" -v b="${!warm}" 'BEGIN{printf "%+.1f", (a-b)/1024}') |"
}
statuses() { grep '^SOAK status' "$WORK/wrk-$1.txt" | sort -k3,3n | awk '{printf "%s%s: %s", sep, $3, $4; sep=", "}'; }
non2xx() { wrk_val "$1" non2xx; }
types() { grep '^SOAK type' "$WORK/wrk-$1.txt" | awk '{printf "%s%s %s", sep, $3, $4; sep=", "}'; }
rps() { local resp secs="${1}_secs"; resp=$(wrk_val "$1" responses); awk -v n="$resp" -v t="${!secs}" 'BEGIN{printf "%.0f", n/t}'; }

{
  bench_header "Soak: $N mixed requests, keel$([[ "$PEER" == 1 ]] && echo " and the FastAPI reference")"
  echo "keel: Release build, default bounds (2 io threads on this machine, pool 2 + 2, 2 PDF renderers), KEEL_LOG_LEVEL=warn,"
  echo "malloc: $ALLOCATOR${PRELOAD:+ (LD_PRELOAD=$(basename "$PRELOAD"))}$([[ -z "$PRELOAD" ]] && echo " as tuned at start (M_ARENA_MAX 2, trim and mmap thresholds 256 KiB, malloc_trim after PDFs)")."
  [[ "$PEER" == 1 ]] && echo "FastAPI reference: \`fastapi_ref/run.sh PORT 1\` (uvicorn, one process), RSS summed over its process tree."
  echo "MariaDB on the same machine (throwaway). Load: wrk -t$THREADS -c$CONNS on the same machine, each thread sends exactly $PER_THREAD requests and stops when all have their response (see mix.lua)."
  echo
  echo "Mix (weights per 10,000; keel / FastAPI):"
  echo
  echo "| type | request | weight | keel | FastAPI |"
  echo "|---|---|---|---|---|"
  w() { echo "$MIX" | tr ',' '\n' | awk -F= -v k="$1" '$1 == k {print $2}'; }
  echo "| health | GET /api/health | $(w health) | ✓ | ✓ |"
  echo "| booking_get | GET /api/bookings/{id} with its token | $(w booking_get) | ✓ | — (no bookings) |"
  echo "| booking_create | POST /api/bookings, a new 15-minute slot each (own service per wrk thread) | $(w booking_create) | ✓ | — |"
  echo "| upload | POST /api/uploads, raw body 4/8/12/16 KiB, X-Filename; keel: admin key or the booking's token, alternating | $(w upload) | ✓ | ✓ |"
  echo "| download | GET /api/uploads/{id}, the whole 256 KiB file | $(w download) | ✓ | ✓ |"
  echo "| range | same with Range: bytes=a-b, 1 B–64 KiB at a random offset | $(w range) | ✓ (206) | ✓ (206) |"
  echo "| static | GET /static/4k.bin | $(w static) | ✓ | ✓ |"
  echo "| pdf | keel: GET /api/bookings/{id}/pdf with the token; FastAPI: GET /api/pdf?pages=1 | $(w pdf) | ✓ | ✓ |"
  echo "| report | keel: GET /api/admin/bookings/report.pdf of 100 bookings ($REPORT_PAGES pages); FastAPI: /api/pdf?pages=3 | $(w report) | ✓ | ✓ |"
  echo
  echo "The peer runs the same weights without the two booking types, so its mix is renormalised over the others; same request count."
  echo
  echo "| | keel | $([[ "$PEER" == 1 ]] && echo FastAPI) |"
  echo "|---|---|$([[ "$PEER" == 1 ]] && echo "---|")"
  for item in responses generated; do
    line="| $item |"; for s in "${servers[@]}"; do line+=" $(wrk_val "$s" "$item") |"; done; echo "$line"
  done
  line="| seconds |"; for s in "${servers[@]}"; do v="${s}_secs"; line+=" ${!v} |"; done; echo "$line"
  line="| req/s |"; for s in "${servers[@]}"; do line+=" $(rps "$s") |"; done; echo "$line"
  line="| server CPU seconds (user + system) |"; for s in "${servers[@]}"; do v="${s}_cpu"; line+=" ${!v} |"; done; echo "$line"
  line="| server CPU µs per request |"; for s in "${servers[@]}"; do v="${s}_cpu"; line+=" $(awk -v c="${!v}" -v n="$(wrk_val "$s" responses)" 'BEGIN{printf "%.0f", c*1e6/n}') |"; done; echo "$line"
  line="| latency |"; for s in "${servers[@]}"; do line+=" $(wrk_val "$s" latency_ms) |"; done; echo "$line"
  if [[ "${SOAK_STATUSES:-0}" == 1 ]]; then
    line="| statuses |"; for s in "${servers[@]}"; do line+=" $(statuses "$s") |"; done; echo "$line"
  fi
  line="| non-2xx (wrk: neither 2xx nor 3xx) |"; for s in "${servers[@]}"; do line+=" $(non2xx "$s") |"; done; echo "$line"
  line="| wrk errors |"; for s in "${servers[@]}"; do line+=" $(wrk_val "$s" wrk_errors) |"; done; echo "$line"
  line="| requests by type |"; for s in "${servers[@]}"; do line+=" $(types "$s") |"; done; echo "$line"
  line="| stopped by the time bound |"; for s in "${servers[@]}"; do v="${s}_timed_out"; line+=" $([[ "${!v}" == 1 ]] && echo "yes (${MAX_S} s)" || echo no) |"; done; echo "$line"
  echo
  echo "responses: complete responses counted by wrk; generated: requests the wrk script made (the same number when no connection broke)."
  echo
  echo "RSS in MiB (idle: just before the load, after the set-up requests; warm-up: first sample at or after 10 % of the load phase;"
  echo "peak: VmHWM over the process's life; max: largest 1 s sample from warm-up on; end: last sample under load; after: 3 s after the load):"
  echo
  echo "| server | idle | warm-up | peak (VmHWM) | max sampled | end | after | end − warm-up | max − warm-up |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for s in "${servers[@]}"; do row "$s"; done
  echo
  echo "keel log at warn and above during the run: $KEEL_LOG_LINES lines."
  if (( KEEL_LOG_LINES > 0 )); then echo; echo '```'; echo "$KEEL_LOG_HEAD"; echo '```'; fi
  echo
  echo "Samples: \`$(basename "$CSV")\` (server,t_s,rss_kib,hwm_kib,phase; t_s from the start of the load), plot: \`$(basename "$PNG")\`."
  echo
  echo "![RSS]($(basename "$PNG"))"
} > "$MD"
cat "$MD"
echo "written: $MD $CSV $PNG" >&2
# Machine-readable summary for bench/soak/allocators.sh.
if [[ -n "${SOAK_SUMMARY:-}" ]]; then
  echo "allocator=$ALLOCATOR cpu=$keel_cpu idle=$keel_idle warm=$keel_warm hwm=$keel_hwm max=$keel_max end=$keel_end after=$keel_after secs=$keel_secs responses=$(wrk_val keel responses) rps=$(rps keel) non2xx=$(non2xx keel) csv=$CSV" > "$SOAK_SUMMARY"
fi
