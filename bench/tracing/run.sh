#!/usr/bin/env bash
# Requests/s of a service endpoint with tracing on (100% sampling, every span exported to a local
# stand-in Zipkin) versus tracing off (Tracing:Enabled=false), measured in one run with wrk, for two
# endpoints of the same service:
#   memory    GET /api/products/{id} answered from memory (~14 us of work: the worst case, where the
#             cost of each span shows in full)
#   database  GET /api/stored-products/{id} read from PostgreSQL by primary key (what EStore's
#             endpoints do; two spans per request: the server span and the Npgsql span)
# Rounds alternate off/on so both see the same machine load; the medians and their ratios go to
# bench/results/tracing.md. Loopback only; every process started here is stopped on exit.
#
#   bench/tracing/run.sh                      # defaults: 5 rounds of 10 s per endpoint, 32 connections
#   ROUNDS=3 DURATION=15 CONNECTIONS=64 bench/tracing/run.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
OUT=bench/results/tracing.md

source bench/lib.sh
need wrk wrk
need curl curl
need psql postgresql-client
build/prerequisites.sh test >/dev/null

dotnet build -c Release bench/tracing/TracingBench.csproj -v quiet -nologo >/dev/null
BENCH=artifacts/bin/TracingBench/release/TracingBench.dll

bench_setup tracing
bench_database tracing

psql -q -d postgres -c "CREATE DATABASE \"$DATABASE\"" >/dev/null
psql -q -d "$DATABASE" >/dev/null <<'SQL'
CREATE TABLE products (id int PRIMARY KEY, name text NOT NULL, price numeric(10, 2) NOT NULL, stock int NOT NULL);
INSERT INTO products SELECT i, 'Product ' || i, 9.99 + i, 100 - i % 100 FROM generate_series(1, 1000) AS i;
SQL
CONNECTION="$PG_CONNECTION;Maximum Pool Size=$CONNECTIONS"

# start <name> <args...>: starts a benchmark process and sets PORT to its port. Not called in $(...):
# the process must be recorded in this shell's PIDS, or it would outlive the script.
start() {
    local name=$1; shift
    dotnet "$BENCH" "$@" --port-file "$WORK/$name.port" >"$WORK/$name.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 1 300); do
        if [[ -s "$WORK/$name.port" ]]; then PORT=$(cat "$WORK/$name.port"); return; fi
        sleep 0.1
    done
    echo "$name did not start:" >&2; cat "$WORK/$name.log" >&2; exit 1
}

start collector collector; COLLECTOR=$PORT
start off service --tracing off --database "$CONNECTION"; OFF=$PORT
start on service --tracing on --zipkin "http://127.0.0.1:$COLLECTOR/api/v2/spans" --database "$CONNECTION"; ON=$PORT

run_wrk() { # port, path, seconds -> "rps p50 p99"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$3s" --latency "http://127.0.0.1:$1$2" >"$WORK/wrk.txt"
    local rps p50 p99
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/wrk.txt")
    p50=$(awk '$1 == "50%" {print $2}' "$WORK/wrk.txt")
    p99=$(awk '$1 == "99%" {print $2}' "$WORK/wrk.txt")
    if grep -q "Non-2xx" "$WORK/wrk.txt"; then echo "non-2xx responses:" >&2; cat "$WORK/wrk.txt" >&2; exit 1; fi
    echo "$rps $p50 $p99"
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

declare -A MEDIAN_OFF MEDIAN_ON RATIO
ROWS=()
for endpoint in memory database; do
    case $endpoint in
        memory) path=/api/products/42 ;;
        database) path=/api/stored-products/42 ;;
    esac
    echo "== $endpoint: GET $path" >&2
    run_wrk "$OFF" "$path" 3 >/dev/null
    run_wrk "$ON" "$path" 3 >/dev/null
    off_rps=(); on_rps=()
    for round in $(seq 1 "$ROUNDS"); do
        read -r rps p50 p99 < <(run_wrk "$OFF" "$path" "$DURATION"); off_rps+=("$rps"); ROWS+=("| $endpoint | $round | off | $rps | $p50 | $p99 |")
        echo "round $round off: $rps req/s" >&2
        read -r rps p50 p99 < <(run_wrk "$ON" "$path" "$DURATION"); on_rps+=("$rps"); ROWS+=("| $endpoint | $round | on | $rps | $p50 | $p99 |")
        echo "round $round on:  $rps req/s" >&2
    done
    MEDIAN_OFF[$endpoint]=$(median "${off_rps[@]}")
    MEDIAN_ON[$endpoint]=$(median "${on_rps[@]}")
    RATIO[$endpoint]=$(awk -v on="${MEDIAN_ON[$endpoint]}" -v off="${MEDIAN_OFF[$endpoint]}" 'BEGIN {printf "%.1f", 100 * on / off}')
done

sleep 2 # let the last batch reach the collector
SPANS=$(curl -fsS "http://127.0.0.1:$COLLECTOR/count")
DROPPED=$(curl -fsS "http://127.0.0.1:$ON/actuator/metrics/estore.tracing.spans.dropped" | json 'int(j["measurements"][0]["value"])')
verdict() { awk -v r="$1" 'BEGIN {print (r >= 90) ? "meets" : "misses"}'; }

{
    echo "# Tracing overhead"
    echo
    echo "Requests/s of one service built with the platform defaults, with tracing **on** (100% sampling,"
    echo "every span exported as Zipkin v2 JSON to a local stand-in collector) versus **off**"
    echo "(\`Tracing:Enabled=false\`). Same binary, both processes up for the whole run, rounds alternating so"
    echo "both see the same machine load. Two endpoints: **memory** (\`GET /api/products/42\` answered from"
    echo "memory, ~14 µs of work: the worst case, where each span's cost shows in full) and **database**"
    echo "(\`GET /api/stored-products/42\`, a primary-key read from PostgreSQL like EStore's endpoints; two spans"
    echo "per request, the server span and the Npgsql command span)."
    echo
    echo "| endpoint | median req/s, tracing off | median req/s, tracing on | ratio | target >= 90% |"
    echo "|---|---|---|---|---|"
    for endpoint in memory database; do
        echo "| $endpoint | ${MEDIAN_OFF[$endpoint]} | ${MEDIAN_ON[$endpoint]} | **${RATIO[$endpoint]}%** | $(verdict "${RATIO[$endpoint]}") |"
    done
    echo
    echo "Spans the collector received: $SPANS; spans the exporter dropped: $DROPPED."
    echo
    echo "| endpoint | round | tracing | requests/s | p50 | p99 |"
    echo "|---|---|---|---|---|---|"
    printf '%s\n' "${ROWS[@]}"
    echo
    echo "Setup: wrk ($THREADS threads, $CONNECTIONS connections, ${DURATION}s per round, $ROUNDS rounds per endpoint, 3 s"
    echo "warm-up each), $(nproc) cores ($(uname -m)), $(dotnet --version) SDK, Release build; wrk, both services, the"
    echo "collector and PostgreSQL share the machine (loopback only), so compare the ratios, not the absolute figures."
    echo "Measured $(date -u +%Y-%m-%d)."
    echo
    echo "Reproduce: \`bench/tracing/run.sh\` (or \`ROUNDS=3 DURATION=15 CONNECTIONS=64 bench/tracing/run.sh\`)."
} >"$OUT"
cat "$OUT"
