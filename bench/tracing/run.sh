#!/usr/bin/env bash
# Requests/s of a service endpoint with tracing on (100% sampling, every span exported to a local
# stand-in Zipkin) versus tracing off (Tracing:Enabled=false), measured in one run with wrk, for three
# endpoints:
#   memory           GET /api/products/{id} of a bench service built with the platform defaults, answered
#                    from memory (~14 us of work: the worst case, where the cost of each span shows in full)
#   database         GET /api/stored-products/{id} of the same service, read from PostgreSQL by primary key
#                    (two spans per request: the server span and the Npgsql span)
#   product-service  GET /api/products/{id} of EStore's product-service on PostgreSQL (EF Core), two
#                    instances of the Release build on one database, one of them traced
# Rounds alternate off/on so both see the same machine load; the medians and their ratios go to
# bench/results/tracing.md. Loopback only; every process started here is stopped on exit.
#
#   bench/tracing/run.sh                      # defaults: 5 rounds of 10 s per endpoint, 32 connections
#   ROUNDS=3 DURATION=15 CONNECTIONS=64 WARMUP=20 bench/tracing/run.sh
#   TRACED_INSTANCE=1 bench/tracing/run.sh    # trace product-service's first instance instead (0: neither, an A/A run)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
# Long enough for tiered compilation to settle: 3 s left the JIT busy on a fifth of a core in the first rounds.
WARMUP=${WARMUP:-15}
TRACED_INSTANCE=${TRACED_INSTANCE:-2}
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
PRODUCT_DATABASE="${DATABASE}_product"
bench_on_exit() { psql -q -d postgres -c "DROP DATABASE IF EXISTS \"$PRODUCT_DATABASE\" WITH (FORCE)" >/dev/null 2>&1; }

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
start off service --tracing off --database "$CONNECTION"; OFF=$PORT; OFF_PID=${PIDS[-1]}
start on service --tracing on --zipkin "http://127.0.0.1:$COLLECTOR/api/v2/spans" --database "$CONNECTION"; ON=$PORT; ON_PID=${PIDS[-1]}
# Metrics answer on the management port only (written beside the port file).
ON_MANAGEMENT=$(cat "$WORK/on.port.management")

# start_product_services: product-service twice (one traced) with its mesh; sets PRODUCT_OFF, PRODUCT_ON,
# PRODUCT_ON_MANAGEMENT (its management port, where metrics answer) and PRODUCT_ID.
start_product_services() {
    echo "starting two product-services (one traced) on PostgreSQL" >&2
    dotnet "$BENCH" product-service --database "${PG_CONNECTION%;Database=*};Database=$PRODUCT_DATABASE;Maximum Pool Size=$CONNECTIONS" \
        --zipkin "http://127.0.0.1:$COLLECTOR/api/v2/spans" --ready-file "$WORK/product.ready" \
        --traced-instance "$TRACED_INSTANCE" >"$WORK/product.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 1 1800); do [[ -s "$WORK/product.ready" ]] && break; sleep 0.1; done
    [[ -s "$WORK/product.ready" ]] || { echo "product-service did not start:" >&2; tail -30 "$WORK/product.log" >&2; exit 1; }
    PRODUCT_OFF=$(sed -n 's/^off=//p' "$WORK/product.ready")
    PRODUCT_ON=$(sed -n 's/^on=//p' "$WORK/product.ready")
    PRODUCT_ON_MANAGEMENT=$(sed -n 's/^on_management=//p' "$WORK/product.ready")
    PRODUCT_ID=$(curl -fsS "$PRODUCT_OFF/api/products?size=1" | json 'j["items"][0]["id"]')
}

run_wrk() { # base URL, path, seconds -> "rps p50 p99"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$3s" --latency "$1$2" >"$WORK/wrk.txt"
    local rps p50 p99
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/wrk.txt")
    p50=$(awk '$1 == "50%" {print $2}' "$WORK/wrk.txt")
    p99=$(awk '$1 == "99%" {print $2}' "$WORK/wrk.txt")
    if grep -q "Non-2xx" "$WORK/wrk.txt"; then echo "non-2xx responses:" >&2; cat "$WORK/wrk.txt" >&2; exit 1; fi
    echo "$rps $p50 $p99"
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

declare -A MEDIAN_OFF MEDIAN_ON RATIO PAIRED
ROWS=()
ENDPOINTS=(memory database product-service)
for endpoint in "${ENDPOINTS[@]}"; do
    case $endpoint in
        memory) off=http://127.0.0.1:$OFF; on=http://127.0.0.1:$ON; path=/api/products/42 ;;
        database) off=http://127.0.0.1:$OFF; on=http://127.0.0.1:$ON; path=/api/stored-products/42 ;;
        product-service)
            # The bench service is done: stopped, so that neither it nor its pooled connections (PostgreSQL allows
            # 100 by default) weigh on the mesh, which starts only now for the same reason.
            DROPPED=$(curl -fsS "http://127.0.0.1:$ON_MANAGEMENT/actuator/metrics/estore.tracing.spans.dropped" | json 'int(j["measurements"][0]["value"])')
            kill "$OFF_PID" "$ON_PID"; wait "$OFF_PID" "$ON_PID" 2>/dev/null || true
            start_product_services
            off=$PRODUCT_OFF; on=$PRODUCT_ON; path=/api/products/$PRODUCT_ID ;;
    esac
    echo "== $endpoint: GET $path" >&2
    run_wrk "$off" "$path" "$WARMUP" >/dev/null
    run_wrk "$on" "$path" "$WARMUP" >/dev/null
    off_rps=(); on_rps=(); ratios=()
    for round in $(seq 1 "$ROUNDS"); do
        read -r rps p50 p99 < <(run_wrk "$off" "$path" "$DURATION"); off_rps+=("$rps"); ROWS+=("| $endpoint | $round | off | $rps | $p50 | $p99 |")
        echo "round $round off: $rps req/s" >&2
        read -r rps p50 p99 < <(run_wrk "$on" "$path" "$DURATION"); on_rps+=("$rps"); ROWS+=("| $endpoint | $round | on | $rps | $p50 | $p99 |")
        echo "round $round on:  $rps req/s" >&2
        ratios+=("$(awk -v on="${on_rps[-1]}" -v off="${off_rps[-1]}" 'BEGIN {printf "%.4f", on / off}')")
    done
    MEDIAN_OFF[$endpoint]=$(median "${off_rps[@]}")
    MEDIAN_ON[$endpoint]=$(median "${on_rps[@]}")
    RATIO[$endpoint]=$(awk -v on="${MEDIAN_ON[$endpoint]}" -v off="${MEDIAN_OFF[$endpoint]}" 'BEGIN {printf "%.1f", 100 * on / off}')
    # Each round's on/off pair ran back to back: the median of their ratios shrugs off a round the machine slowed.
    PAIRED[$endpoint]=$(awk -v r="$(median "${ratios[@]}")" 'BEGIN {printf "%.1f", 100 * r}')
done

sleep 2 # let the last batch reach the collector
SPANS=$(curl -fsS "http://127.0.0.1:$COLLECTOR/count")
DROPPED=$((DROPPED + $(curl -fsS "$PRODUCT_ON_MANAGEMENT/actuator/metrics/estore.tracing.spans.dropped" | json 'int(j["measurements"][0]["value"])')))
verdict() { awk -v a="$1" -v b="$2" 'BEGIN {print (a >= 90 && b >= 90) ? "meets" : "misses"}'; }

{
    echo "# Tracing overhead"
    echo
    echo "Requests/s of a service endpoint with tracing **on** (100% sampling, every span exported as Zipkin v2"
    echo "JSON to a local stand-in collector) versus **off** (\`Tracing:Enabled=false\`). Same binary, both processes"
    echo "up for the whole run, rounds alternating so both see the same machine load. Three endpoints:"
    echo
    echo "- **product-service**: EStore's own \`GET /api/products/{id}\` (product-service, Release build, EF Core on"
    echo "  PostgreSQL), two instances on one database, one traced: what tracing costs a real EStore endpoint;"
    echo "- **database**: a bench service's \`GET /api/stored-products/42\`, one primary-key read with Npgsql and"
    echo "  no EF Core (two spans per request: the server span and the Npgsql command span);"
    echo "- **memory**: the same bench service's \`GET /api/products/42\`, answered from memory (~14 µs of work):"
    echo "  no EStore endpoint is this cheap; it is the worst case, where each span's fixed cost shows in full."
    echo
    echo "| endpoint | median req/s, tracing off | median req/s, tracing on | ratio of medians | median of round ratios | target >= 90% (both) |"
    echo "|---|---|---|---|---|---|"
    for endpoint in "${ENDPOINTS[@]}"; do
        echo "| $endpoint | ${MEDIAN_OFF[$endpoint]} | ${MEDIAN_ON[$endpoint]} | **${RATIO[$endpoint]}%** | **${PAIRED[$endpoint]}%** | $(verdict "${RATIO[$endpoint]}" "${PAIRED[$endpoint]}") |"
    done
    echo
    echo "Spans the collector received: $SPANS; spans the exporter dropped: $DROPPED."
    echo
    echo "| endpoint | round | tracing | requests/s | p50 | p99 |"
    echo "|---|---|---|---|---|---|"
    printf '%s\n' "${ROWS[@]}"
    echo
    echo "Setup: wrk ($THREADS threads, $CONNECTIONS connections, ${DURATION}s per round, $ROUNDS rounds per endpoint, ${WARMUP} s"
    echo "warm-up each), $(nproc) cores ($(uname -m)), $(dotnet --version) SDK, Release build; wrk, the services, the"
    echo "collector and PostgreSQL share the machine (loopback only), so compare the ratios, not the absolute figures."
    echo "The product-service pair runs beside an idle broker, discovery server and gateway (MeshHost), started after the"
    echo "bench service is stopped; product $PRODUCT_ID of the demo catalog."
    echo "Measured $(date -u +%Y-%m-%d)."
    echo
    echo "Reproduce: \`bench/tracing/run.sh\` (or \`ROUNDS=3 DURATION=15 CONNECTIONS=64 WARMUP=20 bench/tracing/run.sh\`)."
} >"$OUT"
cat "$OUT"
