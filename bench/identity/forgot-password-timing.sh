#!/usr/bin/env bash
# Enumeration timing (loopback only, bounded): do POST /api/auth/forgot-password and POST /api/auth/register take
# longer for an address that has an account than for one that has none? identity-service (Release) on a throwaway
# PostgreSQL database with the mock Kafka broker; for each endpoint a warm-up, then REQUESTS requests for a known and
# for unknown addresses, interleaved (known, unknown, unknown, known, ...) on one keep-alive connection, timed in the
# client (bench/identity/timing.py). Reports the medians and their difference; target: |difference| < 0.5 ms.
# Results (both endpoints): bench/results/identity-forgot-password.md.
# Usage: bench/identity/forgot-password-timing.sh   (env: REQUESTS=50 WARMUP=30 ESTORE_TEST_POSTGRES=...)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/bench/identity"
RESULTS="$ROOT/bench/results/identity-forgot-password.md"
REQUESTS=${REQUESTS:-50}
WARMUP=${WARMUP:-30}
IDENTITY_PORT=${IDENTITY_PORT:-18082}
POSTGRES=${ESTORE_TEST_POSTGRES:-Host=127.0.0.1;Port=5432;Username=estore;Password=estore}
DATABASE="bench_identity_forgot_$$"
source "$ROOT/bench/lib.sh"
bench_setup identity-forgot

bench_on_exit() {
  pg_admin "DROP DATABASE IF EXISTS $DATABASE WITH (FORCE)"
}
need curl curl
need psql postgresql-client
need python3 python3

echo "== building identity-service and the broker (Release)"
for project in services/identity/EStore.Identity.csproj tools/EStore.Broker/EStore.Broker.csproj; do
  dotnet build "$ROOT/$project" -c Release -nologo -v quiet -clp:ErrorsOnly
done
BIN="$ROOT/artifacts/bin"

echo "== starting the mock Kafka broker"
dotnet "$BIN/EStore.Broker/release/EStore.Broker.dll" --brokers 1 >"$WORK/broker.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do grep -q '^BOOTSTRAP_SERVERS=' "$WORK/broker.log" && break; sleep 0.2; done
KAFKA=$(sed -n 's/^BOOTSTRAP_SERVERS=//p' "$WORK/broker.log")
[ -n "$KAFKA" ] || { echo "the broker did not start" >&2; exit 1; }

echo "== starting identity-service on 127.0.0.1:$IDENTITY_PORT (database $DATABASE)"
# Cooldown 0: every known request really creates a token and an outbox row (the worst case for a timing leak).
env ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
  Eureka__Client__ShouldRegisterWithEureka=false Eureka__Client__ShouldFetchRegistry=false \
  Database__Provider=Postgres "ConnectionStrings__Default=$POSTGRES;Database=$DATABASE" \
  Kafka__BootstrapServers="$KAFKA" Identity__Mail__CooldownSeconds=0 \
  AccountTokens__EncryptionKey="$(head -c 32 /dev/urandom | base64)" \
  Identity__RateLimits__ForgotPassword__PermitLimit=1000000 Identity__RateLimits__Register__PermitLimit=1000000 \
  dotnet "$BIN/EStore.Identity/release/EStore.Identity.dll" --urls "http://127.0.0.1:$IDENTITY_PORT" >"$WORK/identity.log" 2>&1 &
PIDS+=($!)
IDENTITY="http://127.0.0.1:$IDENTITY_PORT"
wait_http "$IDENTITY/actuator/health/liveness"

KNOWN="known-$$@example.test"
curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' "$IDENTITY/api/auth/register" \
  -d "{\"email\":\"$KNOWN\",\"password\":\"correct horse battery staple\",\"name\":\"Known\"}"

measure() { # endpoint -> sets known_ms unknown_ms diff_ms known_p90 unknown_p90 statuses bodies verdict
  echo "== $1: $WARMUP warm-up pairs, then $REQUESTS known and $REQUESTS unknown, interleaved"
  out=$(python3 "$HERE/timing.py" 127.0.0.1 "$IDENTITY_PORT" "$KNOWN" "$REQUESTS" "$WARMUP" "$1")
  echo "$out"
  known_ms=$(field known_median_ms)
  unknown_ms=$(field unknown_median_ms)
  diff_ms=$(field difference_ms)
  known_p90=$(field known_p90_ms)
  unknown_p90=$(field unknown_p90_ms)
  statuses=$(field statuses)
  bodies=$(field distinct_bodies)
  verdict=$(awk -v d="$diff_ms" 'BEGIN {d = d < 0 ? -d : d; print (d < 0.5 ? "met" : "NOT met")}')
}
field() { tr ' ' '\n' <<<"$out" | sed -n "s/^$1=//p"; }
# The worker drains the queue behind the answers: wait until the token count stops growing.
count_tokens() {
  PGPASSWORD=$(sed -n 's/.*Password=\([^;]*\).*/\1/p' <<<"$POSTGRES") psql -h 127.0.0.1 \
    -U "$(sed -n 's/.*Username=\([^;]*\).*/\1/p' <<<"$POSTGRES")" -d "$DATABASE" -qAtc "SELECT count(*) FROM one_time_tokens" 2>/dev/null || echo "?"
}
settle_tokens() {
  tokens=$(count_tokens)
  for _ in $(seq 1 60); do
    sleep 0.5
    now=$(count_tokens)
    [ "$now" = "$tokens" ] && break
    tokens=$now
  done
}

measure forgot-password
f_known=$known_ms f_unknown=$unknown_ms f_diff=$diff_ms f_known_p90=$known_p90 f_unknown_p90=$unknown_p90
f_statuses=$statuses f_bodies=$bodies f_verdict=$verdict
settle_tokens
f_tokens=$tokens
f_expected=$((1 + WARMUP + REQUESTS))

measure register
settle_tokens
# Before: the forgot-password tokens; each fresh registration adds its verification token in its own transaction,
# each repeated registration of the known (unverified) address one through the worker.
r_expected=$((f_expected + 2 * (WARMUP + REQUESTS)))

cat >"$RESULTS" <<MD
# Enumeration timing: known against unknown addresses (forgot-password and register)

\`bench/identity/forgot-password-timing.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores shared with other work,
identity-service in Release on PostgreSQL (loopback) with the mock broker, \`Identity:Mail:CooldownSeconds=0\`
(every known request creates a token and an outbox row, in the background). For each endpoint: $WARMUP warm-up pairs,
then $REQUESTS requests for one registered address and $REQUESTS for fresh unknown addresses, interleaved on one
keep-alive connection and timed in the client (\`bench/identity/timing.py\`, \`time.perf_counter\` around request and
response). Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg).

## forgot-password

| Address | median ms | p90 ms |
|---|---:|---:|
| known (account exists) | $f_known | $f_known_p90 |
| unknown (no account) | $f_unknown | $f_unknown_p90 |
| **difference (known - unknown)** | **$f_diff** | |

Target |difference| < 0.5 ms: **$f_verdict**. Status codes seen: \`$f_statuses\`; distinct response bodies: $f_bodies.
One-time tokens in the database once the background worker was done: $f_tokens of $f_expected expected (one
verification token from the registration, one reset token per known request): the known address's work all
happened, off the request path.

## register

Known: the registered address again (another password and name); unknown: a fresh address each time (a new account).

| Address | median ms | p90 ms |
|---|---:|---:|
| known (account exists) | $known_ms | $known_p90 |
| unknown (no account) | $unknown_ms | $unknown_p90 |
| **difference (known - unknown)** | **$diff_ms** | |

Target |difference| < 0.5 ms: **$verdict**. Status codes seen: \`$statuses\`; distinct response bodies (id, e-mail and
\`createdAt\` blanked, as they differ between any two registrations): $bodies. One-time tokens once the worker was
done: $tokens of $r_expected expected (a verification token per new account, in its transaction, and one per
repeated registration of the unverified known address, through the worker).

Both register paths hash the password (PBKDF2, most of the time), look the normalised address up (one query) and
write in one transaction with the normal synchronous commit: the new account (user, outbox row, sealed token) or one
\`pending_mails\` row. Before this change a known address cost a failed INSERT, then a second transaction committed
with \`synchronous_commit off\`.

## History

forgot-password before the first change (finding of the security review): 5.5 ms for a known address against
2.2 ms for an unknown one on the first request, because the lookup, token creation and outbox write ran before the
answer. Now the endpoint checks the address's syntax, stores one \`pending_mails\` row for any address (the same
insert for known and unknown ones, now with the normal synchronous commit, like register) and answers;
\`MailRequestWorker\` does the rest.

Reproduce: \`bench/identity/forgot-password-timing.sh\` (env \`REQUESTS\`, \`WARMUP\`, \`ESTORE_TEST_POSTGRES\`).
MD
echo "== results written to $RESULTS"
