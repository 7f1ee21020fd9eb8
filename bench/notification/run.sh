#!/usr/bin/env bash
# Notification benchmark (loopback only, bounded): mails/s from an event on the broker to the SMTP server's acceptance
# through notification-service, against a bare MailKit send loop to the same in-process SMTP server; the ratio goes to
# bench/results/notification.md. Usage: bench/notification/run.sh   (env: COUNT=1000 ROUNDS=3)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/bench/notification"
RESULTS="$ROOT/bench/results/notification.md"
COUNT=${COUNT:-1000}
ROUNDS=${ROUNDS:-3}
source "$ROOT/bench/lib.sh"
bench_setup notification
bench_database notification
need psql postgresql-client
"$ROOT/build/prerequisites.sh" test >/dev/null

echo "== building (Release)"
if ! dotnet build "$HERE/EStore.Notification.Bench.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >"$WORK/build.log" 2>&1; then
  echo "build failed:" >&2; grep -E ' error ' "$WORK/build.log" | sort -u | head -20 >&2; exit 1
fi

echo "== running ($COUNT mails per round, $ROUNDS rounds; database $DATABASE)"
timeout 1200 dotnet "$ROOT/artifacts/bin/EStore.Notification.Bench/release/EStore.Notification.Bench.dll" \
  --database-prefix "Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD" --database "$DATABASE" \
  --count "$COUNT" --rounds "$ROUNDS" --out "$RESULTS" 2>&1 | grep -v '^\[notification-service\]' || { echo "benchmark failed" >&2; exit 1; }
echo "== results written to ${RESULTS#$ROOT/}"
cat "$RESULTS"
