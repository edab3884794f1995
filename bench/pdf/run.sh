#!/usr/bin/env bash
# PDF benchmarks, keel next to the FastAPI reference peer (see bench_pdf.py).
#
#   bench/pdf/run.sh [--rows N] [--runs N] [--wrk-seconds S] [--wrk-runs N] [--wrk-conns C]
#
# Needs: a built keel (KEEL_BIN, default build/keel), scripts/setup --bench
# (wrk, python3-fastapi, uvicorn, reportlab), qpdf and poppler-utils.
# Starts a throwaway MariaDB with scripts/dev-db (BENCH_DB_DIR, BENCH_DB_PORT;
# stopped again at the end unless it was already running), creates the
# database keel_bench_pdf, applies the migrations and inserts N bookings of
# service 'bench' (UTF-8 names among them), then runs the measurements.
# Results: bench/results/pdf-<date>.{md,csv} and pdf-report-page1.png.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
KEEL_BIN="${KEEL_BIN:-$ROOT/build/keel}"
DB_DIR="${BENCH_DB_DIR:-/tmp/keel-bench-pdf-db}"
DB_PORT="${BENCH_DB_PORT:-3412}"
DB_NAME=keel_bench_pdf
ROWS=10000
ARGS=()
while (($#)); do
  case "$1" in
    --rows) ROWS="$2"; shift 2 ;;
    --runs|--wrk-seconds|--wrk-runs|--wrk-conns) ARGS+=("$1" "$2"); shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ -x "$KEEL_BIN" ]] || { echo "no keel binary at $KEEL_BIN (set KEEL_BIN)" >&2; exit 2; }
for t in wrk curl qpdf pdftoppm mariadb; do
  command -v "$t" >/dev/null || { echo "missing $t: scripts/setup --bench" >&2; exit 2; }
done

devdb() { KEEL_DEV_DB_DIR="$DB_DIR" KEEL_DEV_DB_PORT="$DB_PORT" "$ROOT/scripts/dev-db" "$@"; }
started_db=0
if ! devdb status >/dev/null 2>&1; then
  devdb start >/dev/null
  started_db=1
fi
cleanup() { if ((started_db)); then devdb stop >/dev/null 2>&1 || true; fi; }
trap cleanup EXIT

SQL=(mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P "$DB_PORT" -u keel -pkeel)
"${SQL[@]}" -e "DROP DATABASE IF EXISTS $DB_NAME; CREATE DATABASE $DB_NAME CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
DB_URL="mysql://keel:keel@127.0.0.1:$DB_PORT/$DB_NAME"
KEEL_DB_URL="$DB_URL" "$KEEL_BIN" migrate >/dev/null

# N bookings, one every 30 minutes from 2031-01-01, names cycling through
# five (four non-ASCII), statuses 60/20/20 %, durations 30/45/60 min.
"${SQL[@]}" "$DB_NAME" <<EOF
INSERT INTO bookings (name, email, phone, service, starts_at, ends_at, duration_minutes, notes, status, manage_token_hash)
SELECT ELT(seq % 5 + 1, 'Zoë Ångström', 'Łukasz Żółć', 'Дмитрий Иванов', 'Ελένη Παπαδοπούλου', 'Jane Doe'),
       CONCAT('guest', seq, '@example.com'), '+46 70 123 45 67', 'bench',
       TIMESTAMP('2031-01-01 00:00:00') + INTERVAL (seq * 30) MINUTE,
       TIMESTAMP('2031-01-01 00:00:00') + INTERVAL (seq * 30) MINUTE + INTERVAL ELT(seq % 3 + 1, 30, 45, 60) MINUTE,
       ELT(seq % 3 + 1, 30, 45, 60), 'Side entrance, please.',
       ELT(seq % 5 + 1, 'confirmed', 'confirmed', 'confirmed', 'pending', 'cancelled'),
       UNHEX(SHA2(CONCAT('bench-', seq), 256))
FROM seq_1_to_$ROWS ORDER BY seq;
EOF

/usr/bin/python3 "$ROOT/bench/pdf/bench_pdf.py" --keel "$KEEL_BIN" --db-url "$DB_URL" --rows "$ROWS" "${ARGS[@]}"
