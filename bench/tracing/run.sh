#!/usr/bin/env bash
# Requests/s of one service endpoint with tracing on (100% sampling, every span exported to a
# local stand-in Zipkin) versus tracing off (Tracing:Enabled=false), measured in one run with wrk.
# Rounds alternate off/on so both see the same machine load; the medians and their ratio go to
# bench/results/tracing.md. Loopback only; every process started here is stopped on exit.
#
#   bench/tracing/run.sh                      # defaults: 3 rounds of 10 s each, 32 connections
#   ROUNDS=5 DURATION=15 CONNECTIONS=64 bench/tracing/run.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
OUT=bench/results/tracing.md

source bench/lib.sh
need wrk wrk

dotnet build -c Release bench/tracing/TracingBench.csproj -v quiet -nologo >/dev/null
BENCH=artifacts/bin/TracingBench/release/TracingBench.dll

bench_setup tracing

start() { # name, args...
    local name=$1; shift
    dotnet "$BENCH" "$@" --port-file "$WORK/$name.port" >"$WORK/$name.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 1 300); do
        [[ -s "$WORK/$name.port" ]] && { cat "$WORK/$name.port"; return; }
        sleep 0.1
    done
    echo "$name did not start:" >&2; cat "$WORK/$name.log" >&2; exit 1
}

COLLECTOR=$(start collector collector)
OFF=$(start off service --tracing off)
ON=$(start on service --tracing on --zipkin "http://127.0.0.1:$COLLECTOR/api/v2/spans")
PATH_UNDER_TEST=/api/products/42

run_wrk() { # port, seconds -> "rps p50 p99"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1s" --latency "http://127.0.0.1:$2$PATH_UNDER_TEST" >"$WORK/wrk.txt"
    local rps p50 p99
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/wrk.txt")
    p50=$(awk '$1 == "50%" {print $2}' "$WORK/wrk.txt")
    p99=$(awk '$1 == "99%" {print $2}' "$WORK/wrk.txt")
    if grep -q "Non-2xx" "$WORK/wrk.txt"; then echo "non-2xx responses:" >&2; cat "$WORK/wrk.txt" >&2; exit 1; fi
    echo "$rps $p50 $p99"
}

echo "warming up..." >&2
run_wrk 3 "$OFF" >/dev/null
run_wrk 3 "$ON" >/dev/null

declare -a OFF_RPS ON_RPS ROWS
for round in $(seq 1 "$ROUNDS"); do
    read -r rps p50 p99 < <(run_wrk "$DURATION" "$OFF"); OFF_RPS+=("$rps"); ROWS+=("| $round | off | $rps | $p50 | $p99 |")
    echo "round $round off: $rps req/s" >&2
    read -r rps p50 p99 < <(run_wrk "$DURATION" "$ON"); ON_RPS+=("$rps"); ROWS+=("| $round | on | $rps | $p50 | $p99 |")
    echo "round $round on:  $rps req/s" >&2
done

sleep 2 # let the last batch reach the collector
SPANS=$(curl -fsS "http://127.0.0.1:$COLLECTOR/count")
DROPPED=$(curl -fsS "http://127.0.0.1:$ON/actuator/metrics/estore.tracing.spans.dropped" | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["measurements"][0]["value"]))')
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
OFF_MEDIAN=$(median "${OFF_RPS[@]}")
ON_MEDIAN=$(median "${ON_RPS[@]}")
RATIO=$(awk -v on="$ON_MEDIAN" -v off="$OFF_MEDIAN" 'BEGIN {printf "%.1f", 100 * on / off}')
VERDICT=$(awk -v r="$RATIO" 'BEGIN {print (r >= 90) ? "meets" : "misses"}')

{
    echo "# Tracing overhead"
    echo
    echo "Requests/s of \`GET $PATH_UNDER_TEST\` on a service built with the platform defaults, with"
    echo "tracing **on** (100% sampling, every span exported as Zipkin v2 JSON to a local stand-in"
    echo "collector) versus **off** (\`Tracing:Enabled=false\`). Same binary, both processes up for the"
    echo "whole run, rounds alternating so both see the same machine load."
    echo
    echo "| | tracing off | tracing on |"
    echo "|---|---|---|"
    echo "| median requests/s | $OFF_MEDIAN | $ON_MEDIAN |"
    echo
    echo "**Ratio: $RATIO%** of the untraced throughput (target >= 90%: $VERDICT)."
    echo "Spans the collector received: $SPANS; spans the exporter dropped: $DROPPED."
    echo
    echo "| round | tracing | requests/s | p50 | p99 |"
    echo "|---|---|---|---|---|"
    printf '%s\n' "${ROWS[@]}"
    echo
    echo "Setup: wrk ($THREADS threads, $CONNECTIONS connections, ${DURATION}s per round, $ROUNDS rounds, 3 s warm-up each),"
    echo "$(nproc) cores ($(uname -m)), $(dotnet --version) SDK, Release build; load generator, both services and the"
    echo "collector share the machine (loopback only), which is also running other work, so compare the ratio, not the"
    echo "absolute figures. Measured $(date -u +%Y-%m-%d)."
    echo
    echo "Reproduce: \`bench/tracing/run.sh\` (or \`ROUNDS=5 DURATION=15 CONNECTIONS=64 bench/tracing/run.sh\`)."
} >"$OUT"
cat "$OUT"
