#!/usr/bin/env bash
# Runs the whole test suite: domain tests, and every API test on SQLite and on a real
# PostgreSQL server started here for the run (installed first when missing). SQL Server
# tests are compiled in only when MARKETPLACE_TEST_SQLSERVER holds a connection string.
# Ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh

if [ -z "${MARKETPLACE_TEST_POSTGRES:-}" ]; then
  pg_start || exit 1
  trap pg_stop EXIT
fi

results=$(mktemp -d)
dotnet test Marketplace.sln -c Release --logger "trx" --results-directory "$results" "$@" 2>&1 | tee "$results/out.txt"
status=${PIPESTATUS[0]}

passed=0; failed=0; skipped=0
while read -r line; do
  p=$(sed -E 's/.*Passed: *([0-9]+).*/\1/' <<<"$line"); f=$(sed -E 's/.*Failed: *([0-9]+).*/\1/' <<<"$line")
  s=$(sed -E 's/.*Skipped: *([0-9]+).*/\1/' <<<"$line")
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
done < <(grep -E '(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+' "$results/out.txt")
rm -rf "$results"

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "$skipped" -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"; else echo "$passed passed, $failed failed"; fi
exit "$status"
