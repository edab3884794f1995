# Shared helpers for bench/ scripts (source it). Everything targets loopback
# and stops by itself.
set -euo pipefail
BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RESULTS="$BENCH_ROOT/bench/results"
PEERS="${KEEL_PEERS_DIR:-$BENCH_ROOT/../shared/peers}"
mkdir -p "$RESULTS"

bench_stamp() { date -u +%Y-%m-%dT%H%M%SZ; }
bench_header() {  # markdown header: date, machine, commit
  local title="$1"
  echo "# $title"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB RAM, $(uname -r)"
  echo "- commit: $(git -C "$BENCH_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$BENCH_ROOT" diff --quiet 2>/dev/null || echo ' (+ uncommitted changes)')"
  echo
}
free_port() {
  local p
  for _ in $(seq 1 100); do
    # Below the kernel's ephemeral range (32768 up): a client retrying a
    # connect to a port nobody listens on yet can connect to itself there.
    p=$(( 20000 + RANDOM % 12000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  return 1
}
wait_port() {  # wait_port PORT [seconds]
  local i
  for i in $(seq 1 $(( ${2:-20} * 10 ))); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "port $1 did not open" >&2; return 1
}
rss_kib() { awk '/^VmRSS:/{print $2}' "/proc/$1/status"; }
hwm_kib() { awk '/^VmHWM:/{print $2}' "/proc/$1/status"; }
tree_rss_kib() {  # RSS of a process and its children (uvicorn workers)
  local total=0 p
  for p in $1 $(pgrep -P "$1" || true); do total=$(( total + $(rss_kib "$p" 2>/dev/null || echo 0) )); done
  echo "$total"
}
# ratio A B [DIGITS=2]: A/B for the results' tables ("n/a" when B is not positive)
ratio() { awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN{ if (b > 0) printf "%.*f", d, a / b; else printf "n/a" }'; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
# wrk_run URL ARGS... -> prints "req_per_s p50_ms p99_ms"
wrk_run() {
  local url="$1"; shift
  wrk --latency "$@" "$url" 2>&1 | awk '
    /Requests\/sec/ {rps=$2}
    /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    END { printf "%s %.3f %.3f\n", rps, ms(p50), ms(p99) }'
}
# A throwaway MariaDB for a benchmark run (scripts/dev-db in its own folder).
BENCH_DB_DIR=""
bench_db_start() {
  BENCH_DB_DIR="$(mktemp -d "${TMPDIR:-/tmp}/keel-benchdb-XXXXXX")"
  export KEEL_DEV_DB_DIR="$BENCH_DB_DIR" KEEL_DEV_DB_PORT="$(free_port)"
  "$BENCH_ROOT/scripts/dev-db" start >/dev/null
  BENCH_DB_URL="$("$BENCH_ROOT/scripts/dev-db" url)"
}
bench_db_stop() {
  [[ -n "$BENCH_DB_DIR" ]] || return 0
  KEEL_DEV_DB_DIR="$BENCH_DB_DIR" "$BENCH_ROOT/scripts/dev-db" stop >/dev/null 2>&1 || true
  rm -rf "$BENCH_DB_DIR"
}
