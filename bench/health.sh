#!/usr/bin/env bash
# Foundation benchmark: keel's idle RSS, RSS after 100,000 /api/health
# requests, and wrk -t1 -c64 -d10s throughput/p99 on /api/health, side by
# side with nginx (one worker) answering the same JSON with `return 200`.
# Writes bench/results/health-<stamp>.md.  Usage: bench/health.sh [runs=3]
source "$(dirname "$0")/lib.sh"
RUNS="${1:-3}"
cd "$BENCH_ROOT"
scripts/setup --bench >/dev/null
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null && cmake --build build -j "$(nproc)" --target keel >/dev/null

WORK="$(mktemp -d)"
KPID=""; NPID=""
cleanup() {
  [[ -n "$KPID" ]] && kill "$KPID" 2>/dev/null || true
  [[ -n "$NPID" ]] && kill -QUIT "$NPID" 2>/dev/null || true
  bench_db_stop
  rm -rf "$WORK"
}
trap cleanup EXIT
bench_db_start

KPORT=$(free_port)
KEEL_PORT=$KPORT KEEL_DB_URL="$BENCH_DB_URL" KEEL_AUTO_MIGRATE=1 KEEL_LOG_LEVEL=warn \
  KEEL_DATA_DIR="$WORK/data" KEEL_STATIC_DIR="$WORK/static" ./build/keel serve >"$WORK/keel.log" 2>&1 &
KPID=$!
wait_port "$KPORT"
sleep 1
idle=$(rss_kib $KPID)
WRK_COUNT=100000 wrk -t1 -c64 -d60s -s bench/wrk_count.lua "http://127.0.0.1:$KPORT/api/health" >/dev/null 2>&1
sleep 0.5
after=$(rss_kib $KPID)

NPORT=$(free_port)
mkdir -p "$WORK/nginx" "$WORK/static"
PEER_NGINX_DIR="$WORK/nginx" PEER_STATIC_DIR="$WORK/static" "$PEERS/nginx_ref/run.sh" "$NPORT" 1 >"$WORK/nginx.log" 2>&1 &
NPID=$!
wait_port "$NPORT"

declare -a k_rps k_p99 n_rps n_p99
for i in $(seq 1 "$RUNS"); do
  read -r r p50 p99 < <(wrk_run "http://127.0.0.1:$KPORT/api/health" -t1 -c64 -d10s); k_rps+=("$r"); k_p99+=("$p99")
  read -r r p50 p99 < <(wrk_run "http://127.0.0.1:$NPORT/api/health" -t1 -c64 -d10s); n_rps+=("$r"); n_p99+=("$p99")
done
krps=$(printf '%s\n' "${k_rps[@]}" | median); nrps=$(printf '%s\n' "${n_rps[@]}" | median)
kp99=$(printf '%s\n' "${k_p99[@]}" | median); np99=$(printf '%s\n' "${n_p99[@]}" | median)
ratio=$(awk -v a="$krps" -v b="$nrps" 'BEGIN{printf "%.2f", a/b}')

out="$RESULTS/health-$(bench_stamp).md"
{
  bench_header "keel /api/health vs nginx (return 200)"
  echo "keel: default config (KEEL_THREADS = cores), access log off (KEEL_LOG_LEVEL=warn, as nginx's access_log off), DB up (health pings it at most once a second)."
  echo "nginx: one worker. Load: wrk -t1 -c64 -d10s on the same machine, $RUNS alternating runs, medians."
  echo
  echo "| | keel | nginx | keel/nginx |"
  echo "|---|---|---|---|"
  echo "| req/s (median) | $krps | $nrps | $ratio |"
  echo "| p99 ms (median) | $kp99 | $np99 | |"
  echo
  echo "| keel memory | KiB | MiB |"
  echo "|---|---|---|"
  echo "| idle RSS | $idle | $(awk -v k="$idle" 'BEGIN{printf "%.1f", k/1024}') |"
  echo "| RSS after 100,000 requests | $after | $(awk -v k="$after" 'BEGIN{printf "%.1f", k/1024}') |"
  echo "| growth | $(( after - idle )) | $(awk -v k="$(( after - idle ))" 'BEGIN{printf "%.2f", k/1024}') |"
  echo
  echo "runs: keel req/s ${k_rps[*]}; nginx req/s ${n_rps[*]}"
} > "$out"
cat "$out"
echo "written: $out"
