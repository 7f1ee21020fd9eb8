#!/usr/bin/env bash
# Gateway benchmark (loopback only, bounded): in ONE run, requests/s and p99 of the same catalog read
#   (a) straight to product-service, (b) through our gateway with a validated JWT (and the rate limiter,
#   revocation check, identity headers), (c) through nginx as a plain keep-alive reverse proxy to the same
#   product-service instance. Ratios b/a and b/c go to bench/results/gateway.md.
# The mesh (discovery, broker, gateway, identity-service, product-service on SQLite) is started with the
# launcher (Release build). Usage: bench/gateway/run.sh   (env: DURATION=10 CONNECTIONS=32 MODERATE=4 ROUNDS=3)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RESULTS="$ROOT/bench/results/gateway.md"
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}
MODERATE=${MODERATE:-4}
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-2}
NGINX_PORT=${NGINX_PORT:-18790}
source "$ROOT/bench/lib.sh"
bench_setup gateway
need wrk wrk
need nginx nginx
need curl curl
need python3 python3

# wrk_run <label> <connections> <url> [wrk args...]: prints "<req/s> <p99 ms> <errors>" (errors last: it may be
# several words); the number of requests is left in $WORK/<label>.count.
wrk_run() {
  local label=$1 connections=$2 url=$3; shift 3
  wrk -t"$THREADS" -c"$connections" -d"${DURATION}s" --latency "$@" "$url" >"$WORK/$label.txt"
  awk '/requests in/ {print $1}' "$WORK/$label.txt" >"$WORK/$label.count"
  wrk_summary "$WORK/$label.txt"
}

# cpu_ticks <pid...>: CPU time (user + system, in clock ticks) the processes have used so far.
cpu_ticks() {
  local total=0 pid
  for pid in "$@"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
  echo "$total"
}
TICK_US=$((1000000 / $(getconf CLK_TCK)))

echo "== building (Release)"
for project in tools/EStore.Launcher/EStore.Launcher.csproj tools/EStore.Broker/EStore.Broker.csproj discovery/EStore.Discovery.csproj \
               gateway/EStore.Gateway.csproj services/identity/EStore.Identity.csproj services/product/EStore.Product.csproj; do
  dotnet build "$ROOT/$project" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
done

echo "== starting the mesh"
ADMIN_EMAIL=bench-admin@estore.test
ADMIN_PASSWORD="bench admin password 123"
# The per-user limit would otherwise answer 429 to the load generator.
Identity__Admin__Email=$ADMIN_EMAIL Identity__Admin__Password=$ADMIN_PASSWORD \
Gateway__RateLimits__PerUser__PermitLimit=1000000000 Gateway__RateLimits__PerUser__WindowSeconds=1 \
Logging__LogLevel__Default=Warning \
  dotnet "$ROOT/artifacts/bin/EStore.Launcher/release/EStore.Launcher.dll" up --config release --ports auto \
    --scale shop-service=0 --data "$WORK/data" >"$WORK/mesh.log" 2>&1 &
PIDS+=($!)
GATEWAY=""
for _ in $(seq 1 240); do
  GATEWAY=$(grep -o 'gateway at http://[^ ]*' "$WORK/mesh.log" | head -1 | sed 's/gateway at //; s#/$##' || true)
  [ -n "$GATEWAY" ] && break
  sleep 0.5
done
[ -n "$GATEWAY" ] || { echo "mesh did not start:" >&2; tail -20 "$WORK/mesh.log" >&2; exit 1; }
GATEWAY_PID=$(grep -o 'gateway#1 healthy.*(pid [0-9]*)' "$WORK/mesh.log" | grep -o '[0-9]*)$' | tr -d ')')
# The routes endpoint answers on the gateway's management port only.
GATEWAY_MANAGEMENT=$(grep -o 'gateway#1 management at http://[^ ]*' "$WORK/mesh.log" | head -1 | sed 's/.* at //; s#/$##')
PRODUCT=$(curl -fsS "$GATEWAY_MANAGEMENT/actuator/gateway/routes" \
  | json '[d["address"] for c in j["clusters"] if c["clusterId"]=="product-service" for d in c["destinations"]][0].rstrip("/")')
echo "gateway $GATEWAY, product-service $PRODUCT"

TOKEN=$(curl -fsS -H 'Content-Type: application/json' \
  -d "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}" "$GATEWAY/api/auth/login" | json 'j["accessToken"]')
AUTH=(-H "Authorization: Bearer $TOKEN")
PATH_UNDER_TEST="/api/products?size=1"
curl -fsS -o /dev/null "${AUTH[@]}" "$GATEWAY$PATH_UNDER_TEST"

echo "== starting nginx on 127.0.0.1:$NGINX_PORT -> $PRODUCT"
mkdir -p "$WORK/nginx/logs"
cat >"$WORK/nginx/nginx.conf" <<CONF
daemon off;
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  upstream product { server ${PRODUCT#http://}; keepalive 64; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / { proxy_pass http://product; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CONF
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
NGINX_PID=$!
PIDS+=($NGINX_PID)
for _ in $(seq 1 50); do curl -fsS -o /dev/null "http://127.0.0.1:$NGINX_PORT$PATH_UNDER_TEST" 2>/dev/null && break; sleep 0.2; done
NGINX_PIDS=("$NGINX_PID" $(pgrep -P "$NGINX_PID"))

echo "== warm-up"
DURATION=3 wrk_run warm-direct "$CONNECTIONS" "$PRODUCT$PATH_UNDER_TEST" >/dev/null
DURATION=3 wrk_run warm-gateway "$CONNECTIONS" "$GATEWAY$PATH_UNDER_TEST" "${AUTH[@]}" >/dev/null
DURATION=3 wrk_run warm-nginx "$CONNECTIONS" "http://127.0.0.1:$NGINX_PORT$PATH_UNDER_TEST" >/dev/null

# Rounds alternate the three targets so that each sees the same machine load; medians are reported.
# Besides requests/s, each proxy's own CPU per request (user + system time of its processes over the
# measurement): the figure that does not depend on how product-service and the other tenants of the cores behave.
declare -A RPS P99 ERR CPU_US
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round of $ROUNDS: ${DURATION}s each, $CONNECTIONS and $MODERATE connections"
  for load in "$CONNECTIONS" "$MODERATE"; do
    for target in direct gateway nginx; do
      case $target in
        direct) args=("$PRODUCT$PATH_UNDER_TEST"); proxy=() ;;
        gateway) args=("$GATEWAY$PATH_UNDER_TEST" "${AUTH[@]}"); proxy=("$GATEWAY_PID") ;;
        nginx) args=("http://127.0.0.1:$NGINX_PORT$PATH_UNDER_TEST"); proxy=("${NGINX_PIDS[@]}") ;;
      esac
      before=$(cpu_ticks "${proxy[@]}")
      read -r rps p99 errors < <(wrk_run "$target-$load" "$load" "${args[@]}")
      used=$(( $(cpu_ticks "${proxy[@]}") - before ))
      CPU_US[$target-$load]="${CPU_US[$target-$load]:-} $(awk -v t="$used" -v us="$TICK_US" -v n="$(cat "$WORK/$target-$load.count")" 'BEGIN { printf "%.0f", t * us / n }')"
      RPS[$target-$load]="${RPS[$target-$load]:-} $rps"
      P99[$target-$load]="${P99[$target-$load]:-} $p99"
      [ "$errors" = none ] || ERR[$target-$load]="${ERR[$target-$load]:-}$errors "
      echo "   $target, $load connections: $rps req/s, p99 $p99 ms$([ "$target" = direct ] || echo ", proxy CPU ${CPU_US[$target-$load]##* } us/request")"
    done
  done
done
median() { printf '%s\n' $1 | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
A_RPS=$(median "${RPS[direct-$CONNECTIONS]}"); A_P99=$(median "${P99[direct-$CONNECTIONS]}"); A_ERR=${ERR[direct-$CONNECTIONS]:-none}
B_RPS=$(median "${RPS[gateway-$CONNECTIONS]}"); B_P99=$(median "${P99[gateway-$CONNECTIONS]}"); B_ERR=${ERR[gateway-$CONNECTIONS]:-none}
C_RPS=$(median "${RPS[nginx-$CONNECTIONS]}"); C_P99=$(median "${P99[nginx-$CONNECTIONS]}"); C_ERR=${ERR[nginx-$CONNECTIONS]:-none}
MA_RPS=$(median "${RPS[direct-$MODERATE]}"); MA_P99=$(median "${P99[direct-$MODERATE]}"); MA_ERR=${ERR[direct-$MODERATE]:-none}
MB_RPS=$(median "${RPS[gateway-$MODERATE]}"); MB_P99=$(median "${P99[gateway-$MODERATE]}"); MB_ERR=${ERR[gateway-$MODERATE]:-none}
MC_RPS=$(median "${RPS[nginx-$MODERATE]}"); MC_P99=$(median "${P99[nginx-$MODERATE]}"); MC_ERR=${ERR[nginx-$MODERATE]:-none}
B_CPU=$(median "${CPU_US[gateway-$CONNECTIONS]}"); C_CPU=$(median "${CPU_US[nginx-$CONNECTIONS]}")
MB_CPU=$(median "${CPU_US[gateway-$MODERATE]}"); MC_CPU=$(median "${CPU_US[nginx-$MODERATE]}")

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
diff_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }
CPU=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
cat >"$RESULTS" <<MD
# Gateway benchmark

Generated by \`bench/gateway/run.sh\` on $(date -u +"%Y-%m-%d %H:%M UTC"). Loopback only; wrk with $THREADS threads,
${DURATION} s per measurement after a 3 s warm-up; $ROUNDS rounds alternating the three targets, medians shown.
Request: \`GET $PATH_UNDER_TEST\` (product-service, SQLite).
(a) product-service directly, (b) our gateway (YARP 2.3) with a JWT checked on every request (signature once
per token, then the validated-token cache; lifetime, revocation and identity headers every time), the rate
limiter and tracing, (c) nginx as a plain keep-alive reverse proxy to the
same product-service instance.

| Connections | (a) direct req/s | (b) gateway req/s | (c) nginx req/s | b/a | b/c | p99 (a) ms | p99 (b) ms | p99 (c) ms | gateway p99 overhead vs (a) ms |
|---|---|---|---|---|---|---|---|---|---|
| $CONNECTIONS | $A_RPS | $B_RPS | $C_RPS | $(ratio "$B_RPS" "$A_RPS") | $(ratio "$B_RPS" "$C_RPS") | $A_P99 | $B_P99 | $C_P99 | $(diff_ms "$B_P99" "$A_P99") |
| $MODERATE (moderate) | $MA_RPS | $MB_RPS | $MC_RPS | $(ratio "$MB_RPS" "$MA_RPS") | $(ratio "$MB_RPS" "$MC_RPS") | $MA_P99 | $MB_P99 | $MC_P99 | $(diff_ms "$MB_P99" "$MA_P99") |

Each proxy's own CPU per request (user + system time of its processes / requests served, medians), which
does not depend on how fast product-service happens to be: gateway **$B_CPU µs** vs nginx **$C_CPU µs** at $CONNECTIONS
connections, gateway **$MB_CPU µs** vs nginx **$MC_CPU µs** at $MODERATE.

Non-2xx answers: direct ${A_ERR}/${MA_ERR}, gateway ${B_ERR}/${MB_ERR}, nginx ${C_ERR}/${MC_ERR}.
Target (issue 4): b/c >= 0.8 and gateway p99 overhead under 2 ms at moderate load.

Machine: $(nproc) cores ($CPU), .NET SDK $(dotnet --version), $(nginx -v 2>&1 | sed 's/^nginx version: //').
Load average at the end: $LOAD. wrk, the mesh, nginx and (on a shared development machine) other work
share the same cores: compare ratios, not absolute figures.

Reproduce: \`bench/gateway/run.sh\` (optional: \`DURATION=30 CONNECTIONS=64 bench/gateway/run.sh\`).
MD
echo "== results written to ${RESULTS#$ROOT/}"
cat "$RESULTS"
