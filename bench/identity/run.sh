#!/usr/bin/env bash
# Identity benchmark (loopback only, bounded): identity-service (Release) on a throwaway PostgreSQL
# database with the mock Kafka broker, and a service protected by platform/Security's
# AddServiceAuthentication (bench/identity/Program.cs). Measures
#   1. logins/s: POST /api/auth/login (PBKDF2 verify + refresh-token insert + RS256 signing);
#   2. token validations/s: GET /bench/secure with a Bearer token, against GET /bench/open on the same
#      process in the same run (the ratio is the cost of validation);
#   3. PasswordHasher<T>'s PBKDF2 parameters and cost per hash check, in process.
# Load generator: wrk (Debian package). Results: bench/results/identity.md.
# Usage: bench/identity/run.sh   (env: DURATION=10 CONNECTIONS=16 THREADS=2 ESTORE_TEST_POSTGRES=...)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/bench/identity"
RESULTS="$ROOT/bench/results/identity.md"
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
IDENTITY_PORT=${IDENTITY_PORT:-18081}
RESOURCE_PORT=${RESOURCE_PORT:-18091}
POSTGRES=${ESTORE_TEST_POSTGRES:-Host=127.0.0.1;Port=5432;Username=estore;Password=estore}
DATABASE="bench_identity_$$"
source "$ROOT/bench/lib.sh"
bench_setup identity

bench_on_exit() {
  pg_admin "DROP DATABASE IF EXISTS $DATABASE WITH (FORCE)"
}
need wrk wrk
need curl curl
need psql postgresql-client
need python3 python3

# wrk_run <label> <url> [wrk args...]: prints "<req/s> <p50 ms> <p99 ms> <non-2xx>" and keeps the raw output.
wrk_run() {
  local label=$1 url=$2; shift 2
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" "$url" >"$WORK/$label.txt"
  local rps p50 p99 bad
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/$label.txt")
  p50=$(wrk_latency_ms "$WORK/$label.txt" 50%)
  p99=$(wrk_latency_ms "$WORK/$label.txt" 99%)
  bad=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$WORK/$label.txt")
  echo "$rps $p50 $p99 ${bad:-0}"
}

echo "== building identity-service, the bench service and the broker (Release)"
for project in services/identity/EStore.Identity.csproj bench/identity/EStore.Identity.Bench.csproj tools/EStore.Broker/EStore.Broker.csproj; do
  dotnet build "$ROOT/$project" -c Release -nologo -v quiet -clp:ErrorsOnly
done
BIN="$ROOT/artifacts/bin"

echo "== starting the mock Kafka broker"
dotnet "$BIN/EStore.Broker/release/EStore.Broker.dll" --brokers 1 >"$WORK/broker.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do grep -q '^BOOTSTRAP_SERVERS=' "$WORK/broker.log" && break; sleep 0.2; done
KAFKA=$(sed -n 's/^BOOTSTRAP_SERVERS=//p' "$WORK/broker.log")
[ -n "$KAFKA" ] || { echo "the broker did not start" >&2; exit 1; }

common_env=(ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning
  Eureka__Client__ShouldRegisterWithEureka=false Eureka__Client__ShouldFetchRegistry=false)

echo "== starting identity-service on 127.0.0.1:$IDENTITY_PORT (database $DATABASE)"
env "${common_env[@]}" Database__Provider=Postgres "ConnectionStrings__Default=$POSTGRES;Database=$DATABASE" \
  Kafka__BootstrapServers="$KAFKA" Identity__Mail__CooldownSeconds=0 \
  AccountTokens__EncryptionKey="$(head -c 32 /dev/urandom | base64)" Identity__RateLimits__Login__PermitLimit=1000000 \
  dotnet "$BIN/EStore.Identity/release/EStore.Identity.dll" --urls "http://127.0.0.1:$IDENTITY_PORT" >"$WORK/identity.log" 2>&1 &
PIDS+=($!)
IDENTITY="http://127.0.0.1:$IDENTITY_PORT"
wait_http "$IDENTITY/actuator/health/liveness"
wait_http "$IDENTITY/.well-known/jwks.json"

echo "== starting the protected bench service on 127.0.0.1:$RESOURCE_PORT"
env "${common_env[@]}" Eureka__Instance__AppName=bench-service Jwt__JwksUrl="$IDENTITY/.well-known/jwks.json" \
  dotnet "$BIN/EStore.Identity.Bench/release/EStore.Identity.Bench.dll" --urls "http://127.0.0.1:$RESOURCE_PORT" >"$WORK/resource.log" 2>&1 &
PIDS+=($!)
RESOURCE="http://127.0.0.1:$RESOURCE_PORT"
wait_http "$RESOURCE/bench/open"

export BENCH_EMAIL="bench-$$@example.test" BENCH_PASSWORD="correct horse battery staple"
curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' "$IDENTITY/api/auth/register" \
  -d "{\"email\":\"$BENCH_EMAIL\",\"password\":\"$BENCH_PASSWORD\",\"name\":\"Bench\"}"
TOKEN=$(curl -fsS -X POST -H 'Content-Type: application/json' "$IDENTITY/api/auth/login" \
  -d "{\"email\":\"$BENCH_EMAIL\",\"password\":\"$BENCH_PASSWORD\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$RESOURCE/bench/secure")
[ "$code" = 200 ] || { echo "the bench service refused the token ($code)" >&2; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer x$TOKEN" "$RESOURCE/bench/secure")
[ "$code" = 401 ] || { echo "the bench service accepted a broken token ($code)" >&2; exit 1; }

echo "== warm-up"
wrk -t1 -c4 -d3s "$RESOURCE/bench/open" >/dev/null
wrk -t1 -c4 -d3s -H "Authorization: Bearer $TOKEN" "$RESOURCE/bench/secure" >/dev/null
wrk -t1 -c2 -d3s -s "$HERE/login.lua" "$IDENTITY/api/auth/login" >/dev/null

echo "== measuring (${DURATION}s each, $CONNECTIONS connections)"
read -r open_rps open_p50 open_p99 open_bad < <(wrk_run open "$RESOURCE/bench/open")
read -r secure_rps secure_p50 secure_p99 secure_bad < <(wrk_run secure "$RESOURCE/bench/secure" -H "Authorization: Bearer $TOKEN")
read -r login_rps login_p50 login_p99 login_bad < <(wrk_run login "$IDENTITY/api/auth/login" -s "$HERE/login.lua")
pbkdf2=$(dotnet "$BIN/EStore.Identity.Bench/release/EStore.Identity.Bench.dll" pbkdf2 40)
iterations=$(sed -n 's/.*iterations=\([0-9]*\).*/\1/p' <<<"$pbkdf2")
prf=$(sed -n 's/.*prf=\([^ ]*\).*/\1/p' <<<"$pbkdf2")
verify_ms=$(sed -n 's/.*verify_median_ms=\([0-9.]*\).*/\1/p' <<<"$pbkdf2")
verify_p90=$(sed -n 's/.*verify_p90_ms=\([0-9.]*\).*/\1/p' <<<"$pbkdf2")
ratio=$(awk -v a="$secure_rps" -v b="$open_rps" 'BEGIN {printf "%.2f", a / b}')
per_validation=$(awk -v a="$secure_rps" -v b="$open_rps" 'BEGIN {printf "%.0f", (1e6 / a - 1e6 / b)}')
cores=$(nproc)
login_budget=$(awk -v v="$verify_ms" -v c="$cores" 'BEGIN {printf "%.0f", c * 1000 / v}')

cat >"$RESULTS" <<MD
# Identity benchmark

\`bench/identity/run.sh\` on $(date -u +%Y-%m-%d), $cores cores (shared with other work: read ratios, not absolutes),
identity-service and the bench service in Release, PostgreSQL 15 on loopback, wrk ${THREADS} threads /
${CONNECTIONS} connections / ${DURATION} s per row.

| Measurement | req/s | p50 ms | p99 ms | non-2xx |
|---|---:|---:|---:|---:|
| GET /bench/open (same service, no token) | $open_rps | $open_p50 | $open_p99 | $open_bad |
| GET /bench/secure (RS256 validation via AddServiceAuthentication) | $secure_rps | $secure_p50 | $secure_p99 | $secure_bad |
| POST /api/auth/login (identity-service) | $login_rps | $login_p50 | $login_p99 | $login_bad |

- **Token validation** costs the protected endpoint $ratio x the throughput of the open one on the same
  process (about ${per_validation} us of extra work per request across the box: JWS signature check with the cached RSA key,
  claim checks, revocation lookup, authorization policy).
- **Logins** are bound by the password hash. PasswordHasher<T> (ASP.NET Core Identity, format V3):
  **PBKDF2-$prf, $iterations iterations**, 128-bit salt, 256-bit subkey. One verification costs
  **$verify_ms ms** median ($verify_p90 ms p90) on one core, so $cores cores top out near $login_budget logins/s
  before any database or signing work. An unknown e-mail pays the same hash (dummy verification), so
  failed logins cost the same as successful ones.
- The iteration count is the framework default; \`Identity:Password:Pbkdf2Iterations\` raises it
  (existing hashes are upgraded at the next successful login).

Raw PBKDF2 probe output:

\`\`\`
$pbkdf2
\`\`\`
MD
echo "== results written to $RESULTS"
cat "$RESULTS"
