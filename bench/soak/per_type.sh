#!/usr/bin/env bash
# The soak mix one request type at a time: which type costs keel memory or
# CPU. Runs bench/soak/run.sh (keel only) with SOAK_MIX=<type>=1 per type and
# allocator, each against a fresh keel and MariaDB.
#
#   bench/soak/per_type.sh [N] [allocators...]   (N = 20000; glibc jemalloc)
#
# PDFs get N/20 requests, creates N/2 (they are slow); uploads run with 16
# connections, as keel answers 429 beyond KEEL_MAX_UPLOADS (16) uploads at
# once. Writes bench/results/soak-per-type-<stamp>.md.
source "$(dirname "$0")/../lib.sh"
N="${1:-20000}"
shift || true
ALLOCS=("$@"); (( ${#ALLOCS[@]} )) || ALLOCS=(glibc jemalloc)
TYPES=(health booking_get booking_create upload download range static pdf report)
cd "$BENCH_ROOT"
scripts/setup --bench >/dev/null
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null && cmake --build build -j "$(nproc)" --target keel >/dev/null
WORK="$(mktemp -d "${TMPDIR:-/tmp}/keel-pertype-XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
mib() { awk -v k="$1" 'BEGIN{printf "%.1f", k/1024}'; }
dmib() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%+.1f", (a-b)/1024}'; }
OUT="$RESULTS/soak-per-type-$(bench_stamp).md"
for a in "${ALLOCS[@]}"; do
  for t in "${TYPES[@]}"; do
    n=$N; c=32
    case $t in pdf|report) n=$(( N / 20 )) ;; booking_create) n=$(( N / 2 )) ;; upload) c=16 ;; esac
    n=$(( n / 2 * 2 ))
    echo "== $a $t ($n requests, -c$c)" >&2
    SOAK_ALLOCATOR="$a" SOAK_CONNS=$c SOAK_PEER=0 SOAK_SKIP_BUILD=1 SOAK_MIX="$t=1" SOAK_RESULTS="$WORK/out" \
      SOAK_SUMMARY="$WORK/$a-$t.sum" "$BENCH_ROOT/bench/soak/run.sh" "$n" > "$WORK/$a-$t.out" 2>&1 \
      || { echo "run failed: $a $t" >&2; tail -5 "$WORK/$a-$t.out" >&2; exit 1; }
  done
done
{
  bench_header "keel under the soak mix, one request type at a time"
  echo "\`bench/soak/per_type.sh $N ${ALLOCS[*]}\`: for each type, \`SOAK_MIX=<type>=1 SOAK_PEER=0 bench/soak/run.sh <n>\`"
  echo "against a fresh keel and MariaDB (n = $N; PDFs and the report n/20, creates n/2; uploads with wrk -c16, the others -c32)."
  echo "RSS in MiB as in soak-*.md (warm-up: first sample at or after 10 % of the load; after: 3 s after it)."
  echo
  echo "| type | allocator | requests | req/s | keel CPU µs/request | idle | warm-up | peak (VmHWM) | end | after | end − warm-up | after − idle | non-2xx |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  for t in "${TYPES[@]}"; do
    for a in "${ALLOCS[@]}"; do
      (
        # shellcheck disable=SC1090
        source "$WORK/$a-$t.sum"
        echo "| $t | $a | $responses | $rps | $(awk -v c="$cpu" -v n="$responses" 'BEGIN{printf "%.0f", c*1e6/n}') | $(mib "$idle") | $(mib "$warm") | $(mib "$hwm") | $(mib "$end") | $(mib "$after") | $(dmib "$end" "$warm") | $(dmib "$after" "$idle") | $non2xx |"
      )
    done
  done
} > "$OUT"
cat "$OUT"
echo "written: $OUT" >&2
