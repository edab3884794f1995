#!/usr/bin/env bash
# Uploads, downloads and static files: wall time, MB/s and keel's peak RSS
# growth (VmHWM of a fresh process) for a 1 GiB upload (raw and multipart)
# and a 1 GiB download (full, and a 100 MB range); 32 concurrent 64 MiB
# uploads (KEEL_MAX_UPLOADS=32): peak RSS; a 4 KiB static file under wrk,
# side by side with nginx serving the same file (keel with one io thread
# against nginx's one worker, and both with one per core).
# With KEEL_BENCH_DROGON=PATH (the Drogon 1.9 peer, built by the developer:
# bench/README.md) the 1 GiB uploads also go to Drogon with one thread, in
# alternating rounds with keel. Before every timed transfer the file it reads
# is read once (page cache warm for every server alike: on these VMs freed
# memory goes back to the host within seconds and refilling it costs ~1 s
# per GiB, which would be charged to whichever server comes second).
# Transfers use keel with one io thread (KEEL_THREADS=1), like the peer.
# Writes bench/results/files-<stamp>.md.   Usage: bench/files.sh [runs=3]
source "$(dirname "$0")/lib.sh"
RUNS="${1:-3}"
cd "$BENCH_ROOT"
scripts/setup --bench >/dev/null
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null && cmake --build build -j "$(nproc)" --target keel >/dev/null

WORK="$(mktemp -d)"
chmod 755 "$WORK"  # nginx's workers run as www-data: a 0700 folder gets 403s
KPID=""; NPID=""; DPID=""
DROGON="${KEEL_BENCH_DROGON:-}"
if [[ -n "$DROGON" && ! -x "$DROGON" ]]; then echo "KEEL_BENCH_DROGON=$DROGON is not an executable" >&2; exit 2; fi
stop_keel() {
  if [[ -n "$KPID" ]]; then kill "$KPID" 2>/dev/null || true; wait "$KPID" 2>/dev/null || true; fi
  KPID=""
}
stop_drogon() {
  if [[ -n "$DPID" ]]; then kill "$DPID" 2>/dev/null || true; wait "$DPID" 2>/dev/null || true; fi
  DPID=""
}
cleanup() { stop_keel; stop_drogon; [[ -n "$NPID" ]] && kill -QUIT "$NPID" 2>/dev/null || true; bench_db_stop; rm -rf "$WORK"; }
trap cleanup EXIT
bench_db_start
KEY=bench-key
start_keel() {  # start_keel [ENV=VAL ...]: a fresh process, so VmHWM starts clean
  stop_keel
  KPORT=$(free_port)
  env KEEL_PORT=$KPORT KEEL_DB_URL="$BENCH_DB_URL" KEEL_AUTO_MIGRATE=1 KEEL_LOG_LEVEL=warn KEEL_ADMIN_API_KEY=$KEY \
    KEEL_MAX_UPLOAD_MB=2048 KEEL_DATA_DIR="$WORK/data" KEEL_STATIC_DIR="$WORK/static" "$@" ./build/keel serve >"$WORK/keel.log" 2>&1 &
  KPID=$!
  wait_port "$KPORT"
  curl -s "http://127.0.0.1:$KPORT/api/health" >/dev/null  # pool connection open: part of the baseline
  sleep 0.5
}
mib() { awk -v k="$1" 'BEGIN{printf "%.2f", k/1024}'; }
declare -A T G
prewarm() { cat "$1" >/dev/null; }
# Stored uploads of earlier rounds go, so the disk holds one at a time.
forget_uploads() { rm -rf "$WORK/data/uploads" "$WORK/drogon"; mkdir -p "$WORK/drogon"; }
# timed KEY CMD...: keel runs; times CMD, appends seconds to T[KEY] and the
# VmHWM growth (KiB) to G[KEY]. (Not in a subshell: keel's pid must stay in
# this shell.)
timed() {
  local key="$1"; shift
  local before; before=$(hwm_kib "$KPID")
  local t0; t0=$(date +%s.%N)
  "$@" >/dev/null
  local t1; t1=$(date +%s.%N)
  local after; after=$(hwm_kib "$KPID")
  T[$key]+="$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}') "
  G[$key]+="$(( after - before )) "
}
measure() {  # measure KEY CMD...: an upload against a fresh keel
  local key="$1"; shift
  forget_uploads
  start_keel KEEL_THREADS=1
  prewarm "$WORK/big.bin"
  timed "$key" "$@"
}

mkdir -p "$WORK/static"
head -c 1073741824 /dev/urandom > "$WORK/big.bin"
head -c 67108864 /dev/urandom > "$WORK/64m.bin"
head -c 4096 /dev/urandom > "$WORK/static/4k.bin"
SIZE_MB=1024

up_raw() { curl -sS -f -X POST -H "X-API-Key: $KEY" -H 'Content-Type: application/octet-stream' -T "$WORK/big.bin" "http://127.0.0.1:$KPORT/api/uploads"; }
up_multi() { curl -sS -f -X POST -H "X-API-Key: $KEY" -F file=@"$WORK/big.bin" "http://127.0.0.1:$KPORT/api/uploads"; }

start_drogon() {  # a fresh peer with one thread
  stop_drogon
  DPORT=$(free_port)
  mkdir -p "$WORK/drogon" "$WORK/drogon-docroot"
  PEER_STORAGE_DIR="$WORK/drogon" PEER_STATIC_DIR="$WORK/static" PEER_DOCROOT="$WORK/drogon-docroot" \
    PEER_MAX_UPLOAD=2147483648 "$DROGON" "$DPORT" 1 >"$WORK/drogon.log" 2>&1 &
  DPID=$!
  wait_port "$DPORT"
  sleep 0.5
}
measure_drogon() {  # measure_drogon KEY CMD...: seconds to T[KEY]
  local key="$1"; shift
  forget_uploads
  start_drogon
  prewarm "$WORK/big.bin"
  local t0; t0=$(date +%s.%N)
  "$@" >/dev/null
  local t1; t1=$(date +%s.%N)
  T[$key]+="$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}') "
  stop_drogon
}
d_raw() { curl -sS -f -X POST -H 'Content-Type: application/octet-stream' -T "$WORK/big.bin" "http://127.0.0.1:$DPORT/api/uploads"; }
d_multi() { curl -sS -f -X POST -F file=@"$WORK/big.bin" "http://127.0.0.1:$DPORT/api/uploads"; }

for i in $(seq 1 "$RUNS"); do
  measure raw up_raw
  if [[ -n "$DROGON" ]]; then measure_drogon d.raw d_raw; fi
  measure multi up_multi
  if [[ -n "$DROGON" ]]; then measure_drogon d.multi d_multi; fi
done
forget_uploads
# One stored upload to download from.
start_keel
ID=$(up_raw | sed -E 's/.*"id":"([^"]+)".*/\1/')
dl_full() { curl -sS -f -o /dev/null "http://127.0.0.1:$KPORT/api/uploads/$ID"; }
dl_range() { curl -sS -f -o /dev/null -r 104857600-209715199 "http://127.0.0.1:$KPORT/api/uploads/$ID"; }
measure_dl() {  # measure_dl KEY CMD...: a download of the stored upload against a fresh keel
  local key="$1"; shift
  start_keel KEEL_THREADS=1
  prewarm "$(find "$WORK/data/uploads" -type f | head -n 1)"
  timed "$key" "$@"
}
for i in $(seq 1 "$RUNS"); do
  measure_dl full dl_full
  measure_dl range dl_range
done
forget_uploads

# 32 concurrent 64 MiB uploads.
start_keel KEEL_MAX_UPLOADS=32
idle=$(rss_kib "$KPID")
for n in $(seq 1 32); do
  curl -sS -f -o /dev/null -X POST -H "X-API-Key: $KEY" -T "$WORK/64m.bin" "http://127.0.0.1:$KPORT/api/uploads" &
done
wait_curls() { local p; for p in $(jobs -p); do if [[ "$p" != "$KPID" && "$p" != "$NPID" ]]; then wait "$p" || true; fi; done; }
wait_curls
peak32=$(hwm_kib "$KPID")
budget32=$(( idle + 32 * 2048 + 8192 ))

# 4 KiB static file: keel vs nginx, like for like. Both must answer 200
# with the file's bytes before anything is measured.
same_file() {  # same_file URL
  local got; got=$(curl -s -w '%{http_code}' -o "$WORK/check.bin" "$1")
  [[ "$got" == 200 ]] && cmp -s "$WORK/check.bin" "$WORK/static/4k.bin" || { echo "$1: $got or wrong bytes" >&2; exit 1; }
}
declare -A SRPS
static_pair() {  # static_pair NAME KEEL_THREADS NGINX_WORKERS
  local i r
  start_keel KEEL_THREADS="$2"
  NPORT=$(free_port)
  mkdir -p "$WORK/nginx"
  PEER_NGINX_DIR="$WORK/nginx" PEER_STATIC_DIR="$WORK/static" "$PEERS/nginx_ref/run.sh" "$NPORT" "$3" >"$WORK/nginx.log" 2>&1 &
  NPID=$!
  wait_port "$NPORT"
  same_file "http://127.0.0.1:$KPORT/static/4k.bin"; same_file "http://127.0.0.1:$NPORT/static/4k.bin"
  for i in $(seq 1 "$RUNS"); do
    read -r r _ _ < <(wrk_run "http://127.0.0.1:$KPORT/static/4k.bin" -t1 -c64 -d10s); SRPS[$1.keel]+="$r "
    read -r r _ _ < <(wrk_run "http://127.0.0.1:$NPORT/static/4k.bin" -t1 -c64 -d10s); SRPS[$1.nginx]+="$r "
  done
  stop_keel
  kill -QUIT "$NPID" 2>/dev/null || true; wait "$NPID" 2>/dev/null || true; NPID=""
}
CORES=$(nproc)
static_pair one 1 1
static_pair all "$CORES" "$CORES"
srow() {  # srow NAME LABEL
  local k n; k=$(printf '%s\n' ${SRPS[$1.keel]} | median); n=$(printf '%s\n' ${SRPS[$1.nginx]} | median)
  echo "| $2 | $k | $n | $(ratio "$k" "$n") |"
}

row() {  # row LABEL KEY MB
  local t g d="" ; t=$(echo "${T[$2]}" | tr ' ' '\n' | grep . | median); g=$(echo "${G[$2]}" | tr ' ' '\n' | grep . | median)
  if [[ -n "$DROGON" ]]; then
    if [[ -n "${T[d.$2]:-}" ]]; then
      local dt; dt=$(echo "${T[d.$2]}" | tr ' ' '\n' | grep . | median)
      d=" $dt | $(ratio "$t" "$dt") |"
    else
      d=" — | — |"
    fi
  fi
  echo "| $1 | $t | $(awk -v m="$3" -v t="$t" 'BEGIN{printf "%.0f", m/t}') | $(mib "$g") |$d"
}
out="$RESULTS/files-$(bench_stamp).md"
{
  bench_header "keel uploads, downloads and static files"
  echo "Each transfer against a fresh keel process with one io thread (VmHWM growth = peak RSS growth); the file read warmed into the page cache first; curl on the same machine; $RUNS runs, medians.${DROGON:+ Drogon 1.9 peer with one thread, in alternating rounds.}"
  echo
  if [[ -n "$DROGON" ]]; then
    echo "| transfer | keel seconds | keel MB/s | keel peak RSS growth MiB | Drogon seconds | keel/Drogon time |"
    echo "|---|---|---|---|---|---|"
  else
    echo "| transfer | seconds | MB/s | peak RSS growth MiB |"
    echo "|---|---|---|---|"
  fi
  row "1 GiB upload, raw" raw $SIZE_MB
  row "1 GiB upload, multipart" multi $SIZE_MB
  row "1 GiB download, full" full $SIZE_MB
  row "100 MiB range download" range 100
  echo
  echo "32 concurrent 64 MiB uploads (KEEL_MAX_UPLOADS=32): idle RSS $(mib "$idle") MiB, peak $(mib "$peak32") MiB; bound idle + 32 x 2 MiB + 8 MiB = $(mib "$budget32") MiB."
  echo
  echo "| 4 KiB static file, wrk -t1 -c64 -d10s, req/s (median) | keel | nginx | keel/nginx |"
  echo "|---|---|---|---|"
  srow one "1 io thread vs 1 worker"
  srow all "$CORES io threads (default) vs $CORES workers"
  echo
  echo "runs: raw ${T[raw]}/ multipart ${T[multi]}/ full ${T[full]}/ range ${T[range]}${DROGON:+; Drogon raw ${T[d.raw]:-}/ multipart ${T[d.multi]:-}}; static (1:1) keel ${SRPS[one.keel]}/ nginx ${SRPS[one.nginx]}; (all) keel ${SRPS[all.keel]}/ nginx ${SRPS[all.nginx]}"
} > "$out"
cat "$out"
echo "written: $out"
