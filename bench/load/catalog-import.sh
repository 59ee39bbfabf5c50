#!/usr/bin/env bash
# Catalog import benchmark (issue 6): a 1,000,000-item NDJSON body POSTed over HTTP to
# /catalogs/{id}/items of the API (Release, Production) on a fresh database; three imports of
# the same wholesaler: new items, the same body again (all unchanged), then a body with 10% of
# the items changed. Prints wall seconds, items/s, the API process's CPU seconds and its peak
# memory rise (VmHWM during the import minus VmRSS before it) per import; after an import that
# changed the catalog, it waits for the matching index to reload it (its log line) and prints the
# peak rise of import and reload together. On PostgreSQL it then
# runs a raw Npgsql binary COPY of the same rows into a plain table, in the same run, for the ratio.
#   bench/load/catalog-import.sh postgres|sqlite [items=1000000]
# With CATALOG_PERF=FILE the API process is CPU-sampled by `perf record` (linux-perf, with the
# runtime's perf map) during the first import and its top symbols printed.
# The body is generated into a temp directory (CatalogGenerator) and deleted at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
provider=${1:-sqlite}; items=${2:-1000000}
[[ $provider == postgres || $provider == sqlite ]] || { echo "usage: $0 postgres|sqlite [items]" >&2; exit 2; }
source scripts/pg.sh
port=$(( 5200 + RANDOM % 500 ))
work=$(mktemp -d /tmp/marketplace-catalog.XXXXXX)
cleanup() {
  local status=$?
  [ "$status" -ne 0 ] && [ -f "$work/api.log" ] && { echo "failed ($status); the API's log ends:"; tail -20 "$work/api.log"; } >&2
  [ -n "${api_pid:-}" ] && kill "$api_pid" 2>/dev/null || true
  [ "$provider" = postgres ] && pg_stop
  rm -rf "$work"
}
trap cleanup EXIT

dotnet build -c Release -v q src/Marketplace.Api >/dev/null
dotnet build -c Release -v q bench/Marketplace.CatalogBench >/dev/null
bench() { dotnet bench/Marketplace.CatalogBench/bin/Release/net10.0/Marketplace.CatalogBench.dll "$@"; }

if [ "$provider" = postgres ]; then
  pg_start
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE bench"
  # The merge's statements and their durations go to the server log, printed at the end.
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "ALTER SYSTEM SET log_min_duration_statement = 100" -c "SELECT pg_reload_conf()" >/dev/null
  cs="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=bench"
else
  cs="Data Source=$work/bench.db"
fi

admin="mp_bench_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
# The importer's progress and summary lines are Information; everything else Warning.
env Marketplace__Database__Provider="$provider" Marketplace__Database__ConnectionString="$cs" Marketplace__AdminApiKey="$admin" \
  Marketplace__SeedDemoData=false ASPNETCORE_ENVIRONMENT=Production DOTNET_PerfMapEnabled=$([ -n "${CATALOG_PERF:-}" ] && echo 1 || echo 0) \
  DOTNET_EnableWriteXorExecute=$([ -n "${CATALOG_PERF:-}" ] && echo 0 || echo 1) Logging__LogLevel__Default=Warning \
  Logging__LogLevel__Marketplace.Infrastructure.Catalog=Information Logging__LogLevel__Marketplace.Infrastructure.Matching=Information \
  dotnet src/Marketplace.Api/bin/Release/net10.0/Marketplace.Api.dll --urls "http://127.0.0.1:$port" > "$work/api.log" 2>&1 &
api_pid=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 1; done

api="http://127.0.0.1:$port/api/v1"; admin_auth=(-H "Authorization: Bearer $admin" -H "Content-Type: application/json")
wholesaler=$(curl -sS "${admin_auth[@]}" "$api/companies" \
  -d '{"name":"Benchmark cash and carry","taxId":"7707083893","roles":["wholesaler"],"size":"large"}' | jq -r .id)
key=$(curl -sS "${admin_auth[@]}" -X POST "$api/companies/$wholesaler/api-keys" | jq -r .key)
site() { curl -sS -H "Authorization: Bearer $key" -H "Content-Type: application/json" "$api/companies/$wholesaler/sites" \
  -d "{\"name\":\"$1\",\"lat\":$2,\"lon\":$3,\"regionCode\":\"$4\"}" | jq -r .id; }
sites="$(site "Warehouse Kaluga" 54.51 36.26 RU-KLU),$(site "Warehouse Podolsk" 55.43 37.54 RU-MOS)"
bench ndjson --items "$items" --sites "$sites" --out "$work/catalog.ndjson" --changed-out "$work/catalog-changed.ndjson"

status_kb() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$api_pid/status"; }
hz=$(getconf CLK_TCK)
cpu_s() { awk -v hz="$hz" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$api_pid/stat"; }
# CPU seconds of the PostgreSQL server's processes (its backends and helpers, alive or reaped).
db_cpu_s() {
  [ "$provider" = postgres ] || { echo 0; return; }
  local pm; pm=$(head -1 "$PG_TMP/data/postmaster.pid")
  { cat "/proc/$pm/stat"; for c in $(ps -o pid= --ppid "$pm"); do cat "/proc/$c/stat" 2>/dev/null || true; done; } |
    awk -v hz="$hz" -v pm="$pm" '{ t += $14 + $15; if ($1 == pm) t += $16 + $17 } END { printf "%.1f", t / hz }'
}
reloads=0
import() { # label file
  local rss cpu0 db0 out
  rss=$(status_kb VmRSS); cpu0=$(cpu_s); db0=$(db_cpu_s)
  echo 5 > "/proc/$api_pid/clear_refs" # resets VmHWM to the current RSS: the peak below is this import's
  echo "-- $1: $(uptime | sed 's/.*load/load/')"
  out=$(curl -sS -o "$work/answer.json" -w '%{http_code} %{time_total}' -X POST -T "$2" -H "Expect:" \
    -H "Content-Type: application/x-ndjson" -H "Authorization: Bearer $key" "$api/catalogs/$wholesaler/items")
  local code=${out% *} seconds=${out#* } hwm; hwm=$(status_kb VmHWM)
  echo "   HTTP $code $(jq -c 'del(.errors)' "$work/answer.json")"
  awk -v p="$provider" -v l="$1" -v n="$items" -v s="$seconds" -v r="$rss" -v h="$hwm" -v c0="$cpu0" -v c1="$(cpu_s)" \
    -v d0="$db0" -v d1="$(db_cpu_s)" 'BEGIN {
    printf "%-8s %-10s %d items in %.2f s = %.0f items/s; CPU: API %.1f s, PostgreSQL %.1f s; RSS before %.0f MB, peak %.0f MB (rise %.0f MB)\n",
      p, l, n, s, n / s, c1 - c0, d1 - d0, r / 1024, h / 1024, (h - r) / 1024 }'
  # Resident after the import: anonymous memory (heaps) apart from mapped files (e.g. the database).
  echo "   after: RssAnon $(( $(status_kb RssAnon) / 1024 )) MB, RssFile $(( $(status_kb RssFile) / 1024 )) MB"
  # An import that changed the catalog publishes a `catalog` change; the matching index then reloads
  # that catalog in the background. Wait for its log line, for the peak of import and reload together.
  if [ "$(jq '.inserted + .updated + .deleted' "$work/answer.json")" -gt 0 ]; then
    local t0=$SECONDS
    until [ "$(grep -c 'Matching index applied' "$work/api.log")" -gt "$reloads" ]; do
      [ $((SECONDS - t0)) -lt 300 ] || { echo "the index did not follow the import in 300 s" >&2; exit 1; }
      sleep 0.2
    done
    reloads=$((reloads + 1))
    echo "   index: $(grep 'Matching index applied' "$work/api.log" | tail -1 | sed 's/.*Matching index/Matching index/');" \
      "peak of import and reload: $(( $(status_kb VmHWM) / 1024 )) MB (rise $(( ($(status_kb VmHWM) - rss) / 1024 )) MB)"
  fi
}
echo "== $provider, $items items, $(nproc) cores, $(date -u)"
if [ -n "${CATALOG_PERF:-}" ]; then
  perf record -F 499 -g -p "$api_pid" -o "$CATALOG_PERF" > "$work/perf.log" 2>&1 & perf_pid=$!
  sleep 1
fi
import first "$work/catalog.ndjson"
if [ -n "${CATALOG_PERF:-}" ]; then
  kill -INT "$perf_pid" 2>/dev/null || true; wait "$perf_pid" || true
  perf report -i "$CATALOG_PERF" --no-children --sort dso,symbol -g none --stdio 2>/dev/null > "$work/perf.txt" || true
  grep -E "^ +[0-9]" "$work/perf.txt" | head -45 | cut -c1-150 || true
fi
import unchanged "$work/catalog.ndjson"
import changed "$work/catalog-changed.ndjson"
grep -E "Catalog import .* done" "$work/api.log" | sed 's/^/   log: /' || true

if [ "$provider" = postgres ]; then
  grep -E "duration: [0-9.]+ ms" "$PG_TMP/log" | grep -iE "copy|analyze|update|insert|delete|create|commit|with" |
    sed -E 's/^.*duration: ([0-9.]+ ms) +(statement|execute [^:]*): */   db: \1  /' | cut -c1-150 || true
  echo "-- raw binary COPY of the same rows: $(uptime | sed 's/.*load/load/')"
  bench copy --connection "$cs" --items "$items" --sites "$sites" --repeat 3
fi
