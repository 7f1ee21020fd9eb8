#!/usr/bin/env bash
# Discovery server benchmark (loopback only, bounded): registers 500 instances with our Eureka
# server (Release build), then measures
#   1. full-registry fetch (GET /eureka/apps/) throughput and p99 latency, against nginx serving
#      the identical JSON document as a static file (the upper bound of serving it over HTTP);
#   2. registration throughput (POST apps/{app}, re-registering the 500 instances);
#   3. renewal throughput (PUT apps/{app}/{id}).
# Load generator: wrk (Debian package), same command for both servers. Results go to
# bench/results/discovery.md. Usage: bench/discovery/run.sh   (env: DURATION=15 CONNECTIONS=32)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/bench/discovery"
RESULTS="$ROOT/bench/results/discovery.md"
INSTANCES=500
DURATION=${DURATION:-15}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
DISCOVERY_PORT=${DISCOVERY_PORT:-18761}
NGINX_PORT=${NGINX_PORT:-18762}
source "$ROOT/bench/lib.sh"
bench_setup discovery
need wrk wrk
need nginx nginx
need curl curl

# wrk_run <label> <url> [wrk args...]: prints "<req/s> <p99 ms> <errors>" and keeps the raw output.
wrk_run() {
  local label=$1 url=$2; shift 2
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" "$url" >"$WORK/$label.txt"
  wrk_summary "$WORK/$label.txt"
}

echo "== building discovery (Release)"
dotnet build "$ROOT/discovery/EStore.Discovery.csproj" -c Release -nologo -v quiet >/dev/null
DLL="$ROOT/artifacts/bin/EStore.Discovery/release/EStore.Discovery.dll"

# Writes need credentials (discovery/README.md, "Security"): a random secret per benchmark app, each
# app registering and renewing with its own, as real clients do. BENCH_AUTH_<n> feeds the wrk scripts.
SECURITY_ENV=()
for n in $(seq 0 9); do
  secret=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
  SECURITY_ENV+=("Discovery__Security__Apps__bench-$n=$secret")
  export "BENCH_AUTH_$n=Basic $(printf 'bench-%s:%s' "$n" "$secret" | base64 -w0)"
done

echo "== starting discovery on 127.0.0.1:$DISCOVERY_PORT"
env "${SECURITY_ENV[@]}" ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning Eureka__Client__ServiceUrl= \
  dotnet "$DLL" --urls "http://127.0.0.1:$DISCOVERY_PORT" >"$WORK/discovery.log" 2>&1 &
PIDS+=($!)
BASE="http://127.0.0.1:$DISCOVERY_PORT"
wait_http "$BASE/actuator/health"

echo "== registering $INSTANCES instances"
register() { # index
  local i=$1 app="BENCH-$(($1 % 10))" host="bench-host-$1" port=$((8000 + $1))
  local auth="BENCH_AUTH_$(($1 % 10))"
  curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' -H "Authorization: ${!auth}" "$BASE/eureka/apps/$app" --data-binary @- <<JSON
{"instance":{"instanceId":"$host:bench:$port","app":"$app","hostName":"$host","ipAddr":"127.0.0.1",
"port":{"\$":$port,"@enabled":"true"},"securePort":{"\$":443,"@enabled":"false"},"vipAddress":"${app,,}","secureVipAddress":"${app,,}",
"dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo\$DefaultDataCenterInfo","name":"MyOwn"},
"status":"UP","leaseInfo":{"renewalIntervalInSecs":30,"durationInSecs":90},
"homePageUrl":"http://$host:$port/","statusPageUrl":"http://$host:$port/actuator/info","healthCheckUrl":"http://$host:$port/actuator/health",
"metadata":{"zone":"zone-$(($1 % 3))","version":"1.0.0"}}}
JSON
}
# 16 at a time; wait on these pids only (a bare "wait" would wait for the server too).
BATCH=()
for i in $(seq 0 $((INSTANCES - 1))); do
  register "$i" & BATCH+=($!)
  if (( ${#BATCH[@]} == 16 )) || (( i == INSTANCES - 1 )); then wait "${BATCH[@]}"; BATCH=(); fi
done
curl -fsS -H 'Accept: application/json' "$BASE/eureka/apps/" -o "$WORK/apps.json"
HASH=$(grep -o '"apps__hashcode":"[^"]*"' "$WORK/apps.json")
[ "$HASH" = "\"apps__hashcode\":\"UP_${INSTANCES}_\"" ] || { echo "registry not as expected: $HASH" >&2; exit 1; }
DOC_BYTES=$(stat -c %s "$WORK/apps.json")
curl -fsS -H 'Accept: application/json' -H 'Accept-Encoding: gzip' "$BASE/eureka/apps/" -o "$WORK/apps.json.gz"
GZIP_BYTES=$(stat -c %s "$WORK/apps.json.gz")

echo "== starting nginx on 127.0.0.1:$NGINX_PORT with the same document"
mkdir -p "$WORK/nginx/logs" "$WORK/www/eureka/apps"
cp "$WORK/apps.json" "$WORK/www/eureka/apps/index.json"
cp "$WORK/apps.json.gz" "$WORK/www/eureka/apps/index.json.gz"
# Started as root, nginx's workers run as "nobody": the document must be world-readable.
chmod 755 "$WORK" "$WORK/www" "$WORK/www/eureka" "$WORK/www/eureka/apps"
chmod 644 "$WORK/www/eureka/apps/index.json" "$WORK/www/eureka/apps/index.json.gz"
cat >"$WORK/nginx/nginx.conf" <<CONF
daemon off;
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/www;
    location = /eureka/apps/ { default_type application/json; gzip_static on; try_files /eureka/apps/index.json =404; }
  }
}
CONF
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
PIDS+=($!)
wait_http "http://127.0.0.1:$NGINX_PORT/eureka/apps/"
cmp -s "$WORK/apps.json" <(curl -fsS "http://127.0.0.1:$NGINX_PORT/eureka/apps/") || { echo "nginx serves another document" >&2; exit 1; }
cmp -s "$WORK/apps.json.gz" <(curl -fsS -H 'Accept-Encoding: gzip' "http://127.0.0.1:$NGINX_PORT/eureka/apps/") || { echo "nginx serves another gzip document" >&2; exit 1; }

ACCEPT=(-H 'Accept: application/json')
echo "== warm-up"
DURATION=3 wrk_run warm-ours "$BASE/eureka/apps/" "${ACCEPT[@]}" >/dev/null
DURATION=3 wrk_run warm-nginx "http://127.0.0.1:$NGINX_PORT/eureka/apps/" "${ACCEPT[@]}" >/dev/null

echo "== full-registry fetch, ${DURATION}s each"
read -r OURS_RPS OURS_P99 OURS_ERR < <(wrk_run fetch-ours "$BASE/eureka/apps/" "${ACCEPT[@]}")
read -r NGINX_RPS NGINX_P99 NGINX_ERR < <(wrk_run fetch-nginx "http://127.0.0.1:$NGINX_PORT/eureka/apps/" "${ACCEPT[@]}")
read -r GZ_RPS GZ_P99 GZ_ERR < <(wrk_run fetch-ours-gzip "$BASE/eureka/apps/" "${ACCEPT[@]}" -H 'Accept-Encoding: gzip')
read -r NGZ_RPS NGZ_P99 NGZ_ERR < <(wrk_run fetch-nginx-gzip "http://127.0.0.1:$NGINX_PORT/eureka/apps/" "${ACCEPT[@]}" -H 'Accept-Encoding: gzip')
echo "plain: ours $OURS_RPS req/s p99 $OURS_P99 ms | nginx $NGINX_RPS req/s p99 $NGINX_P99 ms"
echo "gzip:  ours $GZ_RPS req/s p99 $GZ_P99 ms | nginx $NGZ_RPS req/s p99 $NGZ_P99 ms"

echo "== registration and renewal, ${DURATION}s each"
read -r REG_RPS REG_P99 REG_ERR < <(BENCH_INSTANCES=$INSTANCES wrk_run register "$BASE" -s "$HERE/register.lua")
read -r REN_RPS REN_P99 REN_ERR < <(BENCH_INSTANCES=$INSTANCES wrk_run renew "$BASE" -s "$HERE/renew.lua")
echo "register $REG_RPS req/s p99 $REG_P99 ms | renew $REN_RPS req/s p99 $REN_P99 ms"
FINAL_HASH=$(curl -fsS -H 'Accept: application/json' "$BASE/eureka/apps/" | grep -o '"apps__hashcode":"[^"]*"')

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
CPU=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
MEM=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
cat >"$RESULTS" <<MD
# Discovery server benchmark

Generated by \`bench/discovery/run.sh\` on $(date -u +"%Y-%m-%d %H:%M UTC"). Loopback only; wrk with
$THREADS threads and $CONNECTIONS connections, ${DURATION} s per measurement after a 3 s warm-up.
The registry holds $INSTANCES instances in 10 apps; the full-registry document is $DOC_BYTES bytes
($GZIP_BYTES gzip-compressed).

| Measurement | EStore discovery | nginx (static file) | EStore / nginx |
|---|---|---|---|
| Full registry \`GET /eureka/apps/\`, requests/s | $OURS_RPS | $NGINX_RPS | $(ratio "$OURS_RPS" "$NGINX_RPS") |
| Full registry, p99 latency (ms) | $OURS_P99 | $NGINX_P99 | $(ratio "$OURS_P99" "$NGINX_P99") |
| Full registry with \`Accept-Encoding: gzip\`, requests/s | $GZ_RPS | $NGZ_RPS | $(ratio "$GZ_RPS" "$NGZ_RPS") |
| Full registry with gzip, p99 latency (ms) | $GZ_P99 | $NGZ_P99 | $(ratio "$GZ_P99" "$NGZ_P99") |
| Registration \`POST /eureka/apps/{app}\`, requests/s | $REG_RPS | | |
| Registration, p99 latency (ms) | $REG_P99 | | |
| Renewal \`PUT /eureka/apps/{app}/{id}\`, requests/s | $REN_RPS | | |
| Renewal, p99 latency (ms) | $REN_P99 | | |

Non-2xx answers: fetch ${OURS_ERR}, nginx ${NGINX_ERR}, gzip ${GZ_ERR}, nginx gzip ${NGZ_ERR}, register ${REG_ERR}, renew ${REN_ERR}.
Registry after the write phases: ${FINAL_HASH}.

The peer is nginx serving the identical JSON document from a file (sendfile, no logging; the gzip
rows serve our own gzip bytes through \`gzip_static\`): the upper bound for serving that document
over HTTP. Our server answers from its response cache (serialised and compressed once per registry
change), so the ratio is the cost of Kestrel plus the cache lookup. Java, Steeltoe and
eureka-js-client all send \`Accept-Encoding: gzip\`, so the gzip rows are what real clients see. Registrations and renewals have no peer: each registration
re-registers one of the $INSTANCES instances (a new lease, a delta entry, cache invalidation),
each renewal renews one lease.

Machine: $(nproc) cores ($CPU), $MEM, $(. /etc/os-release && echo "$PRETTY_NAME"), .NET SDK $(dotnet --version),
$(nginx -v 2>&1 | sed 's/^nginx version: //'), $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}').
Load average at the end of the run: $LOAD. wrk, both servers and (on a shared development machine)
other work share the same cores, so absolute figures, and p99 most of all, are noisy; compare
the ratios, and rerun on a quiet machine for absolute numbers.

Reproduce: \`bench/discovery/run.sh\` (optional: \`DURATION=30 CONNECTIONS=64 bench/discovery/run.sh\`).
MD
echo "== results written to ${RESULTS#$ROOT/}"
cat "$RESULTS"
