#!/usr/bin/env bash
# Runs the services/db integration tests against a throwaway MariaDB:
#   tests/integration_db/run.sh BUILD_DIR/keel_db_integration_tests [gtest args]
# Starts scripts/dev-db in a temporary folder on a free port (or
# KEEL_DEV_DB_PORT), runs the tests, then stops the server and removes the folder.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="${1:?usage: $0 PATH/TO/keel_db_integration_tests [gtest args]}"
shift
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"

free_port() {
  local p
  for p in $(seq 3390 3499); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo "no free port in 3390-3499" >&2; exit 1
}

export KEEL_DEV_DB_DIR="$(mktemp -d /tmp/keel-dbtest.XXXXXX)"
export KEEL_DEV_DB_PORT="${KEEL_DEV_DB_PORT:-$(free_port)}"
export KEEL_DEV_DB_SCRIPT="$ROOT/scripts/dev-db"
cleanup() {
  "$KEEL_DEV_DB_SCRIPT" stop || true
  rm -rf "$KEEL_DEV_DB_DIR"
}
trap cleanup EXIT
export KEEL_TEST_DB_URL="$("$KEEL_DEV_DB_SCRIPT" start)"
"$BIN" "$@"
