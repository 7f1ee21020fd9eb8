#!/usr/bin/env bash
# Payment benchmark (loopback only, bounded): charges per second through payment-service's saga step (OrderCreated and
# StockReserved in -> PaymentSucceeded out) against the payment sandbox, vs the bare Stripe.net call loop against the
# same sandbox; the ratio and p99 go to bench/results/payment.md.
# Usage: bench/payment/run.sh   (env: COUNT=300 ROUNDS=3 RATE=20 DURATION=15)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/bench/payment"
RESULTS="$ROOT/bench/results/payment.md"
COUNT=${COUNT:-300}
ROUNDS=${ROUNDS:-3}
RATE=${RATE:-20}
DURATION=${DURATION:-15}
source "$ROOT/bench/lib.sh"
bench_setup payment
bench_database payment
need psql postgresql-client
"$ROOT/build/prerequisites.sh" test >/dev/null

# The program makes two databases named after $DATABASE; lib.sh drops only $DATABASE itself.
bench_on_exit() {
  for app in identity payment; do
    psql -q -d postgres -c "DROP DATABASE IF EXISTS \"${DATABASE}_$app\" WITH (FORCE)" >/dev/null 2>&1 || true
  done
}

echo "== building (Release)"
if ! dotnet build "$HERE/EStore.Payment.Bench.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >"$WORK/build.log" 2>&1; then
  echo "build failed:" >&2; grep -E ' error ' "$WORK/build.log" | sort -u | head -20 >&2; exit 1
fi

echo "== running ($COUNT charges per round, $ROUNDS rounds, then $RATE/s for ${DURATION} s; databases ${DATABASE}_*)"
timeout 1200 dotnet "$ROOT/artifacts/bin/EStore.Payment.Bench/release/EStore.Payment.Bench.dll" \
  --database-prefix "Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD" --database "$DATABASE" \
  --count "$COUNT" --rounds "$ROUNDS" --rate "$RATE" --seconds "$DURATION" --out "$RESULTS" \
  || { echo "benchmark failed" >&2; exit 1; }
echo "== results written to ${RESULTS#$ROOT/}"
cat "$RESULTS"
