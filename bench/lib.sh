# Shared setup of the benchmark scripts; sourced by bench/*/run.sh, not run on its own.
#   bench_setup <name>   WORK = a fresh folder under /tmp, PIDS = background processes; at exit the processes
#                        are stopped and reaped, bench_on_exit runs (when the script defines it), WORK is removed
#   need <command> <debian-package>   installs the package when the command is missing
#   json <python expression on j>     evaluates the expression on the JSON read from stdin
#   wait_http <url> [tries]           waits (0.2 s per try, default 150) until the URL answers 2xx, else exits 1
#   wrk_latency_ms <file> <percentile>  a latency percentile (50%, 99%, ...) of a `wrk --latency` output, in ms
#   wrk_summary <file>                "<req/s> <p99 ms> <errors>" of a `wrk --latency` output; errors (last: it may be
#                                     several words) are the non-2xx count and/or "socket-errors", or "none"
#   bench_database <name>             after bench_setup: PGHOST/PGPORT/PGUSER/PGPASSWORD (exported; default the local
#                                     cluster of build/prerequisites.sh), a fresh DATABASE name and its PG_CONNECTION
#                                     string; the database is dropped at exit (the script or its program creates it)

bench_setup() {
  WORK=$(mktemp -d "/tmp/estore-bench-$1.XXXXXX")
  PIDS=()
  trap bench_cleanup EXIT
}

bench_cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if declare -F bench_on_exit >/dev/null; then bench_on_exit || true; fi
  if [ -n "${BENCH_DATABASE:-}" ]; then
    psql -q -d postgres -c "DROP DATABASE IF EXISTS \"$BENCH_DATABASE\" WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}

need() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "installing $2 (Debian package)"
    if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq; APT_UPDATED=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  fi
}

json() {
  python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"
}

wait_http() {
  for _ in $(seq 1 "${2:-150}"); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "no answer from $1" >&2
  exit 1
}

bench_database() {
  export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-estore} PGPASSWORD=${PGPASSWORD:-estore}
  DATABASE="bench_$1_$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  BENCH_DATABASE=$DATABASE
  PG_CONNECTION="Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD;Database=$DATABASE"
}

# Runs one SQL statement on the "postgres" database of the server that $POSTGRES (a connection string in
# ESTORE_TEST_POSTGRES's form) names.
pg_admin() { # sql
  local host port user password
  host=$(sed -n 's/.*Host=\([^;]*\).*/\1/p' <<<"$POSTGRES")
  port=$(sed -n 's/.*Port=\([^;]*\).*/\1/p' <<<"$POSTGRES")
  user=$(sed -n 's/.*Username=\([^;]*\).*/\1/p' <<<"$POSTGRES")
  password=$(sed -n 's/.*Password=\([^;]*\).*/\1/p' <<<"$POSTGRES")
  PGPASSWORD="$password" psql -h "${host:-127.0.0.1}" -p "${port:-5432}" -U "$user" -d postgres -qAtc "$1" >/dev/null
}

wrk_latency_ms() {
  awk -v p="$2" '$1 == p {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; printf "%.2f", v}' "$1"
}

wrk_summary() {
  local rps p99 errors
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$1")
  p99=$(wrk_latency_ms "$1" 99%)
  errors=$(awk '/Non-2xx or 3xx responses:/ {print $5} /Socket errors:/ {print "socket-errors"}' "$1" | tr '\n' ' ')
  echo "$rps $p99 ${errors:-none}"
}
