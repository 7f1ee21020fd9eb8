#!/usr/bin/env bash
# Checkout benchmark (loopback only, bounded): checkouts per second and p50/p99 from the checkout request to CONFIRMED
# through the gateway, with 1 and 2 instances of each service, against a bare Kafka hop on the same broker measured in
# the same run; writes bench/results/checkout.md (target: every checkout confirmed, p99 < 1 s at 20 checkouts/s).
# Usage: bench/checkout/run.sh   (env: RATE=20 DURATION=20 CLIENTS=16 SCALES=1,2)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/bench/checkout"
RESULTS="$ROOT/bench/results/checkout.md"
RATE=${RATE:-20}
DURATION=${DURATION:-20}
CLIENTS=${CLIENTS:-16}
SCALES=${SCALES:-1,2}
source "$ROOT/bench/lib.sh"
bench_setup checkout
bench_database checkout
need psql postgresql-client
"$ROOT/build/prerequisites.sh" test >/dev/null

# The program makes one database per scale and service named after $DATABASE; lib.sh drops only $DATABASE itself.
bench_on_exit() {
  for scale in ${SCALES//,/ }; do
    for app in identity shop product address payment order; do
      psql -q -d postgres -c "DROP DATABASE IF EXISTS \"${DATABASE}_${scale}_$app\" WITH (FORCE)" >/dev/null 2>&1 || true
    done
  done
}

echo "== building (Release)"
if ! dotnet build "$HERE/EStore.Checkout.Bench.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >"$WORK/build.log" 2>&1; then
  echo "build failed:" >&2; grep -E ' error ' "$WORK/build.log" | sort -u | head -20 >&2; exit 1
fi

echo "== running ($RATE checkouts/s and $CLIENTS clients, ${DURATION} s each, scales $SCALES; databases ${DATABASE}_*)"
timeout 1800 dotnet "$ROOT/artifacts/bin/EStore.Checkout.Bench/release/EStore.Checkout.Bench.dll" \
  --database-prefix "Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD" --database "$DATABASE" \
  --rate "$RATE" --seconds "$DURATION" --clients "$CLIENTS" --scales "$SCALES" --out "$RESULTS" \
  || { echo "benchmark failed" >&2; exit 1; }
echo "== results written to ${RESULTS#$ROOT/}"
cat "$RESULTS"
