#!/usr/bin/env bash
# Foundation benchmark: keel's idle RSS, RSS after 100,000 /api/health
# requests, and wrk -t1 -c64 -d10s throughput/p99 on /api/health, side by
# side with nginx answering a constant JSON with `return 200`.
#
# Pairs are like for like: keel with one io thread against nginx with one
# worker (the reference the issue names), and keel's default (one io thread
# per core) against nginx with as many workers. On a 2-core machine wrk
# shares the cores with the server, so both servers lose with 2 threads.
# Writes bench/results/health-<stamp>.md.  Usage: bench/health.sh [runs=3]
# KEEL_BENCH_BASELINE=<a keel binary> measures that binary too, in the same
# run (idle RSS of three fresh processes, and req/s in the same alternating
# rounds): before/after figures for a change. KEEL_BENCH_DROGON=<the Drogon
# peer's binary> (bench/README.md) puts Drogon with as many threads in the
# same rounds.
source "$(dirname "$0")/lib.sh"
RUNS="${1:-3}"
cd "$BENCH_ROOT"
scripts/setup --bench >/dev/null
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null && cmake --build build -j "$(nproc)" --target keel >/dev/null

WORK="$(mktemp -d)"
chmod 755 "$WORK"  # nginx's workers run as www-data
KPID=""; NPID=""; BPID=""; DPID=""
BASELINE="${KEEL_BENCH_BASELINE:-}"
DROGON="${KEEL_BENCH_DROGON:-}"
if [[ -n "$DROGON" && ! -x "$DROGON" ]]; then echo "KEEL_BENCH_DROGON=$DROGON is not an executable" >&2; exit 2; fi
stop_keel() { [[ -n "$KPID" ]] && kill "$KPID" 2>/dev/null && wait "$KPID" 2>/dev/null; KPID=""; }
stop_base() { [[ -n "$BPID" ]] && kill "$BPID" 2>/dev/null && wait "$BPID" 2>/dev/null; BPID=""; }
stop_nginx() { [[ -n "$NPID" ]] && kill -QUIT "$NPID" 2>/dev/null && wait "$NPID" 2>/dev/null; NPID=""; }
stop_drogon() { [[ -n "$DPID" ]] && kill "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null; DPID=""; }
cleanup() { stop_keel; stop_base; stop_nginx; stop_drogon; bench_db_stop; rm -rf "$WORK"; }
trap cleanup EXIT
bench_db_start
CORES=$(nproc)

run_keel() {  # run_keel BINARY THREADS PORT LOG (background)
  KEEL_THREADS="$2" KEEL_PORT=$3 KEEL_DB_URL="$BENCH_DB_URL" KEEL_AUTO_MIGRATE=1 KEEL_LOG_LEVEL=warn \
    KEEL_DATA_DIR="$WORK/data" KEEL_STATIC_DIR="$WORK/static" "$1" serve >"$4" 2>&1 &
}
start_keel() {  # start_keel THREADS
  KPORT=$(free_port)
  run_keel ./build/keel "$1" "$KPORT" "$WORK/keel.log"
  KPID=$!
  wait_port "$KPORT"
  sleep 1
}
start_base() {  # start_base THREADS: the baseline binary
  BPORT=$(free_port)
  run_keel "$BASELINE" "$1" "$BPORT" "$WORK/base.log"
  BPID=$!
  wait_port "$BPORT"
  sleep 1
}
start_nginx() {  # start_nginx WORKERS
  NPORT=$(free_port)
  mkdir -p "$WORK/nginx" "$WORK/static"
  PEER_NGINX_DIR="$WORK/nginx" PEER_STATIC_DIR="$WORK/static" "$PEERS/nginx_ref/run.sh" "$NPORT" "$1" >"$WORK/nginx.log" 2>&1 &
  NPID=$!
  wait_port "$NPORT"
}
start_drogon() {  # start_drogon THREADS
  DPORT=$(free_port)
  mkdir -p "$WORK/drogon" "$WORK/drogon-docroot" "$WORK/static"
  PEER_STORAGE_DIR="$WORK/drogon" PEER_STATIC_DIR="$WORK/static" PEER_DOCROOT="$WORK/drogon-docroot" \
    "$DROGON" "$DPORT" "$1" >"$WORK/drogon.log" 2>&1 &
  DPID=$!
  wait_port "$DPORT"
}
must_200() {
  local code; code=$(curl -s -o /dev/null -w '%{http_code}' "$1")
  [[ "$code" == 200 ]] || { echo "$1 answered $code, not 200" >&2; exit 1; }
}

# Memory, with keel's defaults: idle RSS of three fresh processes (median),
# then the growth over 100,000 requests of the last one.
idles=()
for i in 1 2 3; do
  start_keel "$CORES"
  idles+=("$(rss_kib $KPID)")
  [[ $i -lt 3 ]] && stop_keel
done
idle=$(printf '%s\n' "${idles[@]}" | median)
base_idles=()
if [[ -n "$BASELINE" ]]; then
  for i in 1 2 3; do start_base "$CORES"; base_idles+=("$(rss_kib $BPID)"); stop_base; done
fi
before=$(rss_kib $KPID)
must_200 "http://127.0.0.1:$KPORT/api/health"
WRK_COUNT=100000 wrk -t1 -c64 -d60s -s bench/wrk_count.lua "http://127.0.0.1:$KPORT/api/health" >/dev/null 2>&1
sleep 0.5
after=$(rss_kib $KPID)
stop_keel

# Throughput: alternating runs per pair, medians.
declare -A RPS P99
pair() {  # pair NAME KEEL_THREADS NGINX_WORKERS
  local name="$1" i r p50 p99
  start_keel "$2"; start_nginx "$3"
  if [[ -n "$BASELINE" ]]; then start_base "$2"; fi
  if [[ -n "$DROGON" ]]; then start_drogon "$2"; must_200 "http://127.0.0.1:$DPORT/api/health"; fi
  must_200 "http://127.0.0.1:$KPORT/api/health"; must_200 "http://127.0.0.1:$NPORT/api/health"
  for i in $(seq 1 "$RUNS"); do
    read -r r p50 p99 < <(wrk_run "http://127.0.0.1:$KPORT/api/health" -t1 -c64 -d10s)
    RPS[$name.keel]+="$r "; P99[$name.keel]+="$p99 "
    if [[ -n "$BASELINE" ]]; then
      read -r r p50 p99 < <(wrk_run "http://127.0.0.1:$BPORT/api/health" -t1 -c64 -d10s)
      RPS[$name.base]+="$r "; P99[$name.base]+="$p99 "
    fi
    if [[ -n "$DROGON" ]]; then
      read -r r p50 p99 < <(wrk_run "http://127.0.0.1:$DPORT/api/health" -t1 -c64 -d10s)
      RPS[$name.drogon]+="$r "; P99[$name.drogon]+="$p99 "
    fi
    read -r r p50 p99 < <(wrk_run "http://127.0.0.1:$NPORT/api/health" -t1 -c64 -d10s)
    RPS[$name.nginx]+="$r "; P99[$name.nginx]+="$p99 "
  done
  stop_keel; stop_base; stop_nginx; stop_drogon
}
med() { printf '%s\n' $1 | median; }
pair one 1 1
pair all "$CORES" "$CORES"

out="$RESULTS/health-$(bench_stamp).md"
{
  bench_header "keel /api/health vs nginx (return 200)"
  echo "keel: access log off (KEEL_LOG_LEVEL=warn, as nginx's access_log off), DB up (health pings it at most once a second)."
  echo "Load: wrk -t1 -c64 -d10s on the same machine, $RUNS alternating runs per pair, medians."
  echo
  echo "| pair | keel req/s | nginx req/s | keel/nginx | keel p99 ms | nginx p99 ms |"
  echo "|---|---|---|---|---|---|"
  for name in one all; do
    k=$(med "${RPS[$name.keel]}"); n=$(med "${RPS[$name.nginx]}")
    label=$([[ $name == one ]] && echo "1 io thread vs 1 worker" || echo "$CORES io threads (default) vs $CORES workers")
    echo "| $label | $k | $n | $(ratio "$k" "$n") | $(med "${P99[$name.keel]}") | $(med "${P99[$name.nginx]}") |"
  done
  echo
  echo "| keel memory (defaults: $CORES io threads, pool of 2 open) | KiB | MiB |"
  echo "|---|---|---|"
  echo "| idle RSS (median of 3 fresh processes: ${idles[*]}) | $idle | $(awk -v k="$idle" 'BEGIN{printf "%.2f", k/1024}') |"
  echo "| RSS before / after 100,000 requests (wrk -c64) | $before / $after | |"
  echo "| growth | $(( after - before )) | $(awk -v k="$(( after - before ))" 'BEGIN{printf "%.2f", k/1024}') |"
  if [[ -n "$DROGON" ]]; then
    echo
    echo "Drogon 1.9 peer (\`{\"status\":\"ok\"}\`, threads as keel's io threads) in the same rounds:"
    echo
    echo "| pair | keel req/s | Drogon req/s | keel/Drogon | Drogon p99 ms |"
    echo "|---|---|---|---|---|"
    for name in one all; do
      k=$(med "${RPS[$name.keel]}"); d=$(med "${RPS[$name.drogon]}")
      echo "| $name | $k | $d | $(ratio "$k" "$d") | $(med "${P99[$name.drogon]}") |"
    done
  fi
  if [[ -n "$BASELINE" ]]; then
    echo
    echo "Baseline binary measured in the same run ($(basename "$BASELINE"), KEEL_BENCH_BASELINE):"
    echo
    echo "| figure | this build | baseline | ratio |"
    echo "|---|---|---|---|"
    for name in one all; do
      k=$(med "${RPS[$name.keel]}"); b=$(med "${RPS[$name.base]}")
      echo "| req/s, $name | $k | $b | $(ratio "$k" "$b" 3) |"
    done
    bidle=$(printf '%s\n' "${base_idles[@]}" | median)
    echo "| idle RSS KiB (median of 3: ${idles[*]} / ${base_idles[*]}) | $idle | $bidle | $(ratio "$idle" "$bidle" 3) |"
  fi
  echo
  for name in one all; do echo "runs ($name): keel ${RPS[$name.keel]}; nginx ${RPS[$name.nginx]}${BASELINE:+; baseline ${RPS[$name.base]}}${DROGON:+; Drogon ${RPS[$name.drogon]:-}}"; done
} > "$out"
cat "$out"
echo "written: $out"
