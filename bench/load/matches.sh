#!/usr/bin/env bash
# Load test: GET /needs/{id}/matches for a scope-cluster need under wrk (2 threads, 32
# connections), alternating with the trivial JSON endpoint /health of the same process, on the
# seed generator's benchmark data set. Prints requests/s and latency percentiles of each run.
#   bench/load/matches.sh sqlite|postgres [capabilities=1000000] [seconds=10]
# Traffic goes to 127.0.0.1 only; every run is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/../.."
provider=${1:-sqlite}; capabilities=${2:-1000000}; seconds=${3:-10}
port=5099
work=$(mktemp -d /tmp/marketplace-load.XXXXXX)
cleanup() { [ -n "${api_pid:-}" ] && kill "$api_pid" 2>/dev/null || true; [ "$provider" = postgres ] && pg_stop; rm -rf "$work"; }
trap cleanup EXIT

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

if [ "$provider" = postgres ]; then
  source scripts/pg.sh; pg_start
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE bench"
  cs="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=bench;Maximum Pool Size=64"
else
  cs="Data Source=$work/bench.db"
fi

echo "== writing $capabilities capabilities ($provider)"
dotnet run -c Release --project bench/Marketplace.SeedGen -- --provider "$provider" --connection "$cs" --capabilities "$capabilities"
dotnet build -c Release -v q src/Marketplace.Api >/dev/null

admin="mp_load_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
Marketplace__Database__Provider=$provider Marketplace__Database__ConnectionString="$cs" Marketplace__AdminApiKey=$admin \
  Marketplace__SeedDemoData=false Logging__LogLevel__Default=Warning ASPNETCORE_ENVIRONMENT=Production \
  dotnet src/Marketplace.Api/bin/Release/net10.0/Marketplace.Api.dll --urls "http://127.0.0.1:$port" > "$work/api.log" 2>&1 &
api_pid=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 1; done
grep -i "index" "$work/api.log" || true

api="http://127.0.0.1:$port/api/v1"; auth=(-H "Authorization: Bearer $admin" -H "Content-Type: application/json")
cluster=$(curl -s "${auth[@]}" "$api/clusters?limit=2" | jq -r '.items[1].id')   # the Kaluga automotive cluster
center=$(curl -s "${auth[@]}" "$api/clusters/$cluster" | jq -c .center)
anchor=$(curl -s "${auth[@]}" "$api/companies" -d '{"name":"Load test anchor","taxId":"7707083893","roles":["anchor"],"size":"large"}' | jq -r .id)
key=$(curl -s "${auth[@]}" -X POST "$api/companies/$anchor/api-keys" | jq -r .key)
site=$(curl -s "${auth[@]}" "$api/companies/$anchor/sites" -d "{\"name\":\"Plant\",\"lat\":$(jq .lat <<<"$center"),\"lon\":$(jq .lon <<<"$center"),\"clusterId\":\"$cluster\"}" | jq -r .id)
need=$(curl -s -H "Authorization: Bearer $key" -H "Content-Type: application/json" "$api/needs" -d "{\"title\":\"Turned parts\",\"categoryCode\":\"25.62.10\",\"quantityPerMonth\":1000,\"unit\":\"PCE\",\"deliverySiteId\":\"$site\",\"currentLocalShare\":0.2,\"annualValue\":10000000}" | jq -r .id)
echo "== need $need: first page"
curl -s -H "Authorization: Bearer $key" "$api/needs/$need/matches?limit=3" | jq -c '.items[] | {companyName, score}'

run() { # name url [header]
  local out; out=$(wrk -t2 -c32 -d"${seconds}s" --latency ${3:+-H "$3"} "$2")
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out"); p50=$(awk '$1=="50%" {print $2}' <<<"$out"); p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  printf '%-8s %-10s requests/s %10s   p50 %8s   p99 %8s\n' "$provider" "$1" "$rps" "$p50" "$p99"
}
echo "== wrk -t2 -c32 -d${seconds}s, alternating"
for round in 1 2; do
  run trivial "http://127.0.0.1:$port/health"
  run matches "$api/needs/$need/matches" "Authorization: Bearer $key"
done
