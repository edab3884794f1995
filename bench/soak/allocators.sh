#!/usr/bin/env bash
# keel under the soak mix with three allocators (issue #6, item 4): glibc
# malloc as keel tunes it at start, jemalloc and tcmalloc (LD_PRELOAD into
# keel only). Each runs bench/soak/run.sh with N requests (default 200,000)
# against a fresh keel and a fresh MariaDB, keel only.
#
#   bench/soak/allocators.sh [N] [allocators...]     (default: glibc jemalloc tcmalloc)
#
# Writes bench/results/allocators-<stamp>.md, .csv (every sample, server =
# keel-<allocator>) and .png (RSS against seconds, one line per allocator).
source "$(dirname "$0")/../lib.sh"
N="${1:-200000}"
shift || true
ALLOCS=("$@"); (( ${#ALLOCS[@]} )) || ALLOCS=(glibc jemalloc tcmalloc)
cd "$BENCH_ROOT"
scripts/setup --bench >/dev/null
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null && cmake --build build -j "$(nproc)" --target keel >/dev/null

WORK="$(mktemp -d "${TMPDIR:-/tmp}/keel-alloc-XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
STAMP="$(bench_stamp)"
OUT="$RESULTS/allocators-$STAMP"
echo "server,t_s,rss_kib,hwm_kib,phase" > "$OUT.csv"
mib() { awk -v k="$1" 'BEGIN{printf "%.1f", k/1024}'; }
dmib() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%+.1f", (a-b)/1024}'; }

for a in "${ALLOCS[@]}"; do
  echo "== $a" >&2
  SOAK_ALLOCATOR="$a" SOAK_PEER=0 SOAK_SKIP_BUILD=1 SOAK_RESULTS="$WORK/$a" SOAK_NAME=soak \
    SOAK_SUMMARY="$WORK/$a.summary" "$BENCH_ROOT/bench/soak/run.sh" "$N" > "$WORK/$a.out"
  # shellcheck disable=SC1090
  ( source "$WORK/$a.summary"; awk -F, -v s="keel-$a" 'NR > 1 {$1 = s; print}' OFS=, "$csv" ) >> "$OUT.csv"
  cp "$WORK/$a.out" "$WORK/$a.md"
done

plot_args=""
for a in "${ALLOCS[@]}"; do
  awk -F, -v s="keel-$a" '$1 == s {print $2, $3 / 1024}' "$OUT.csv" > "$WORK/$a.dat"
  plot_args+="${plot_args:+, }'$WORK/$a.dat' using 1:2 with lines lw 2 title '$a'"
done
gnuplot <<EOF
set terminal pngcairo size 1100,600 font "DejaVu Sans,10"
set output '$OUT.png'
set title "keel RSS under $N mixed requests, by allocator"
set xlabel "seconds from the start of the load"
set ylabel "RSS (MiB)"
set yrange [0:*]
set grid
set key top left
plot $plot_args
EOF

{
  bench_header "keel under the soak mix: glibc malloc (tuned) vs jemalloc vs tcmalloc"
  echo "Each: \`SOAK_ALLOCATOR=<a> SOAK_PEER=0 bench/soak/run.sh $N\` — a fresh MariaDB and a fresh keel (Release, default bounds,"
  echo "KEEL_LOG_LEVEL=warn), the soak mix (see soak-*.md), wrk -t2 -c32. glibc: keel's own tuning (M_ARENA_MAX 2, trim and mmap"
  echo "thresholds 256 KiB, malloc_trim after each PDF). jemalloc (libjemalloc2) and tcmalloc (libtcmalloc-minimal4) by LD_PRELOAD"
  echo "into keel, with their default settings (keel's mallopt/malloc_trim calls then reach glibc's unused heap and do nothing)."
  echo
  echo "RSS in MiB. idle: before the load; warm-up: first sample at or after 10 % of the load; peak: VmHWM; end: last sample under"
  echo "load; after: 3 s after it; growth: end − warm-up and max sample − warm-up."
  echo
  echo "| allocator | idle | warm-up | peak (VmHWM) | end | after | end − warm-up | max − warm-up | req/s | keel CPU µs/request | non-2xx |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  for a in "${ALLOCS[@]}"; do
    (
      # shellcheck disable=SC1090
      source "$WORK/$a.summary"
      echo "| $a | $(mib "$idle") | $(mib "$warm") | $(mib "$hwm") | $(mib "$end") | $(mib "$after") | $(dmib "$end" "$warm") | $(dmib "$max" "$warm") | $rps | $(awk -v c="$cpu" -v n="$responses" 'BEGIN{printf "%.0f", c*1e6/n}') | $non2xx |"
    )
  done
  echo
  echo "Samples: \`$(basename "$OUT.csv")\` (server = keel-<allocator>), plot: \`$(basename "$OUT.png")\`."
  echo
  echo "![RSS by allocator]($(basename "$OUT.png"))"
  for a in "${ALLOCS[@]}"; do
    echo
    echo "<details><summary>run with $a</summary>"
    echo
    sed -e 's/^# /### /' -e '/^!\[RSS\]/d' "$WORK/$a.md"
    echo
    echo "</details>"
  done
} > "$OUT.md"
cat "$OUT.md"
echo "written: $OUT.md $OUT.csv $OUT.png" >&2
