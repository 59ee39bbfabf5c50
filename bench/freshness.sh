#!/usr/bin/env bash
# Freshness across two API processes on one PostgreSQL (docs/benchmarks.md): starts the API twice
# with `dotnet run` on two ports against the same database, writes capabilities through the first
# and polls the need's matches through the second (bench/Marketplace.Benchmarks, mode freshness).
#   bench/freshness.sh "<postgres connection string>" [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
cs=$1
rounds=${2:-20}
key="bench_admin_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
dotnet build -c Release src/Marketplace.Api >/dev/null
dotnet build -c Release bench/Marketplace.Benchmarks >/dev/null

export Marketplace__Database__Provider=postgres Marketplace__Database__ConnectionString="$cs" Marketplace__AdminApiKey="$key"
export Marketplace__SeedDemoData=false ASPNETCORE_ENVIRONMENT=Production
pids=()
stop() { for p in "${pids[@]}"; do kill -- "-$p" 2>/dev/null || true; done; }
trap stop EXIT
for port in 5101 5102; do
  # Own process group each, so that stopping it also stops the app `dotnet run` started.
  setsid dotnet run -c Release --no-build --project src/Marketplace.Api -- --urls "http://127.0.0.1:$port" \
    >"/tmp/marketplace-freshness-$port.log" 2>&1 &
  pids+=($!)
done
for port in 5101 5102; do
  for _ in $(seq 1 240); do
    curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break
    sleep 0.5
  done
  curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null || { echo "API on $port did not start"; cat "/tmp/marketplace-freshness-$port.log"; exit 1; }
  grep -h "Matching index" "/tmp/marketplace-freshness-$port.log" || true
done
dotnet bench/Marketplace.Benchmarks/bin/Release/net10.0/Marketplace.Benchmarks.dll freshness \
  --a http://127.0.0.1:5101 --b http://127.0.0.1:5102 --admin-key "$key" --rounds "$rounds"
