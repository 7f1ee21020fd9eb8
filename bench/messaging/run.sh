#!/usr/bin/env bash
# Messaging benchmark: events/s and commit->handled latency of the outbox/inbox pipeline against a bare
# Confluent.Kafka loop on the same broker process. Loopback only, bounded event counts; writes
# bench/results/messaging.md. Options pass through, e.g. --count 3000 --rate 200 --seconds 8 --rounds 3.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
export ESTORE_TEST_POSTGRES="${ESTORE_TEST_POSTGRES:-Host=127.0.0.1;Port=5432;Username=estore;Password=estore}"
dotnet build bench/messaging/EStore.Messaging.Bench.csproj -c Release --nologo -v quiet -clp:ErrorsOnly
exec timeout 1200 dotnet artifacts/bin/EStore.Messaging.Bench/release/EStore.Messaging.Bench.dll --out bench/results/messaging.md "$@"
