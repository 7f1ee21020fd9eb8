#!/usr/bin/env bash
# Product search benchmark (loopback only, bounded): in ONE run, requests/s and p99 of four rotating product
# searches over 10,000 products (text search by relevance, category subtree, price range sorted by price,
# page 3 of the newest) (a) through the gateway, (b) straight to product-service, and (c) the equivalent single
# SQL statement per search run directly against the same PostgreSQL database by pgbench, at the same concurrency
# for the same time. Ratios (a)/(c) and (a)/(b) go to bench/results/product-search.md.
# The mesh (broker, discovery, gateway, product-service on PostgreSQL) is started by bench/product-search's MeshHost
# program (Release build). Usage: bench/product-search/run.sh   (env: DURATION=10 CONNECTIONS=16 MODERATE=4)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/bench/product-search"
RESULTS="$ROOT/bench/results/product-search.md"
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-16}
MODERATE=${MODERATE:-4}
THREADS=${THREADS:-2}
source "$ROOT/bench/lib.sh"
bench_setup product-search
bench_database product_search
need wrk wrk
need curl curl
need python3 python3
need psql postgresql-client
# Debian ships pgbench with the server packages (postgresql-NN), which build/prerequisites.sh installs.
"$ROOT/build/prerequisites.sh" test >/dev/null
command -v pgbench >/dev/null || { echo "pgbench not found (Debian: postgresql-contrib / postgresql-NN)" >&2; exit 1; }

# p99_ms <file>...: the 99th percentile of newline-separated latencies in microseconds.
p99_ms() {
  sort -n "$@" | awk '{a[NR]=$1} END {if (NR == 0) {print "n/a"; exit} i=int(NR*0.99); if (i < 1) i=1; printf "%.2f", a[i]/1000}'
}

# wrk_run <label> <connections> <base url>: prints "<req/s> <p99 ms> <non-2xx or none>".
wrk_run() {
  local label=$1 connections=$2 url=$3
  wrk -t"$THREADS" -c"$connections" -d"${DURATION}s" --latency -s "$HERE/search.lua" "$url" >"$WORK/$label.txt"
  wrk_summary "$WORK/$label.txt"
}

# pgbench_run <label> <clients>: prints "<tps> <p99 ms> <failed transactions>".
pgbench_run() {
  local label=$1 clients=$2
  mkdir -p "$WORK/$label"
  (cd "$WORK/$label" && pgbench -n -c "$clients" -j "$THREADS" -T "$DURATION" -l --log-prefix=tx \
    -f "$WORK/sql/text.sql" -f "$WORK/sql/category.sql" -f "$WORK/sql/price.sql" -f "$WORK/sql/page3.sql" \
    "$DATABASE" >"$WORK/$label.txt" 2>&1)
  local tps p99 failed
  tps=$(awk '/^tps = / {printf "%.2f", $3}' "$WORK/$label.txt")
  # Per-transaction log: client, transaction, latency (us), script, epoch, us.
  p99=$(awk '{print $3}' "$WORK/$label"/tx.* | p99_ms)
  failed=$(awk '/number of failed transactions:/ {print $5}' "$WORK/$label.txt")
  echo "$tps $p99 ${failed:-0}"
}

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
START=$(date +%s)

echo "== building (Release)"
if ! dotnet build "$HERE/EStore.ProductSearch.Bench.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >"$WORK/build.log" 2>&1; then
  echo "build failed:" >&2; grep -E ' error ' "$WORK/build.log" | sort -u | head -20 >&2; exit 1
fi

echo "== starting the mesh (product-service on PostgreSQL database $DATABASE)"
dotnet "$ROOT/artifacts/bin/EStore.ProductSearch.Bench/release/EStore.ProductSearch.Bench.dll" \
  --database "$PG_CONNECTION" \
  --ready-file "$WORK/ready" >"$WORK/mesh.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 360); do
  [ -s "$WORK/ready" ] && break
  kill -0 "${PIDS[0]}" 2>/dev/null || break
  sleep 0.5
done
[ -s "$WORK/ready" ] || { echo "mesh did not start:" >&2; tail -30 "$WORK/mesh.log" >&2; exit 1; }
GATEWAY=$(sed -n 's/^gateway=//p' "$WORK/ready")
PRODUCT=$(sed -n 's/^product=//p' "$WORK/ready")
echo "gateway $GATEWAY, product-service $PRODUCT"

echo "== seeding 10,000 products"
psql -q -v ON_ERROR_STOP=1 -d "$DATABASE" -f "$HERE/seed.sql" >/dev/null
PRODUCTS=$(psql -tA -d "$DATABASE" -c 'SELECT count(*) FROM products')
VARIANTS=$(psql -tA -d "$DATABASE" -c 'SELECT count(*) FROM product_variants')
CATEGORY=$(psql -tA -d "$DATABASE" -c "SELECT \"Id\" FROM categories WHERE \"Slug\" = 'outdoor' AND \"ParentId\" IS NULL")
export CATALOG_CATEGORY=$CATEGORY
# Whatever the schema has for text search: the generated tsvector column (GIN index) or, before it, LIKE.
HAS_TSVECTOR=$(psql -tA -d "$DATABASE" -c \
  "SELECT count(*) FROM information_schema.columns WHERE table_name = 'products' AND column_name = 'SearchVector'")
INDEXES=$(psql -tA -d "$DATABASE" -c \
  "SELECT string_agg(indexname || ' (' || substring(indexdef from 'USING (\\w+)') || ')', ', ' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'products'")

# The equivalent single statement per search: the visible-product filter, the total (as the service counts it),
# the page in the service's order and each row's variants.
mkdir -p "$WORK/sql"
visible='p."DeletedAt" IS NULL AND (p."ShopId" IS NULL OR EXISTS (SELECT 1 FROM shops s WHERE s."Id" = p."ShopId" AND s."Status" = '"'"'Active'"'"'))'
statement() { # <where> <order by> <offset>
  cat <<SQL
SELECT page.*, (SELECT json_agg(v) FROM product_variants v WHERE v."ProductId" = page."Id") AS variants
FROM (SELECT p."Id", p."Name", p."Description", p."Price", p."Currency", p."Category", p."CategoryId", p."ShopId",
             p."CreatedAt", p."UpdatedAt", count(*) OVER () AS total
      FROM products p WHERE $visible AND $1 ORDER BY $2 LIMIT 20 OFFSET $3) page;
SQL
}
if [ "$HAS_TSVECTOR" = 1 ]; then
  TEXT_METHOD="tsvector column \"SearchVector\" @@ to_tsquery('simple', 'waterproof:* & jack:*'), ordered by ts_rank"
  statement "p.\"SearchVector\" @@ to_tsquery('simple', 'waterproof:* & jack:*')" \
    "ts_rank(p.\"SearchVector\", to_tsquery('simple', 'waterproof:* & jack:*')) DESC, p.\"Name\", p.\"Id\"" 0 >"$WORK/sql/text.sql"
else
  TEXT_METHOD="lower(name/description) LIKE '%waterproof%' and '%jack%' (no tsvector column in this schema), ordered by name"
  statement "(lower(p.\"Name\") LIKE '%waterproof%' OR lower(p.\"Description\") LIKE '%waterproof%') AND (lower(p.\"Name\") LIKE '%jack%' OR lower(p.\"Description\") LIKE '%jack%')" \
    "p.\"Name\", p.\"Id\"" 0 >"$WORK/sql/text.sql"
fi
statement "p.\"CategoryId\" IN (SELECT c.\"Id\" FROM categories c WHERE c.\"Id\" = '$CATEGORY' OR c.\"ParentId\" = '$CATEGORY')" \
  "p.\"Name\", p.\"Id\"" 0 >"$WORK/sql/category.sql"
statement "p.\"Price\" >= 50 AND p.\"Price\" <= 150" "p.\"Price\", p.\"Name\", p.\"Id\"" 0 >"$WORK/sql/price.sql"
statement "true" "p.\"CreatedAt\" DESC, p.\"Name\", p.\"Id\"" 40 >"$WORK/sql/page3.sql"

echo "== checking the four searches answer through the gateway (and agree with SQL on the totals)"
TOTALS=""
for path in "/api/products?q=waterproof%20jack&size=20" "/api/products?category=$CATEGORY&size=20" \
            "/api/products?minPrice=50&maxPrice=150&sort=price&size=20" "/api/products?sort=newest&page=3&size=20"; do
  total=$(curl -fsS "$GATEWAY$path" | json 'j["total"]')
  TOTALS="$TOTALS $total"
done
SQL_TOTALS=""
for name in text category price page3; do
  SQL_TOTALS="$SQL_TOTALS $(psql -tA -d "$DATABASE" -f "$WORK/sql/$name.sql" | awk -F'|' 'NR == 1 {print $11}')"
done
echo "service totals:$TOTALS; SQL totals:$SQL_TOTALS"

echo "== warm-up"
DURATION=3 wrk_run warm-gateway "$CONNECTIONS" "$GATEWAY" >/dev/null
DURATION=3 wrk_run warm-direct "$CONNECTIONS" "$PRODUCT" >/dev/null
DURATION=3 pgbench_run warm-sql "$CONNECTIONS" >/dev/null

echo "== ${DURATION}s each, $CONNECTIONS and $MODERATE connections"
read -r G_RPS G_P99 G_ERR < <(wrk_run gateway "$CONNECTIONS" "$GATEWAY")
read -r D_RPS D_P99 D_ERR < <(wrk_run direct "$CONNECTIONS" "$PRODUCT")
read -r S_TPS S_P99 S_ERR < <(pgbench_run sql "$CONNECTIONS")
read -r MG_RPS MG_P99 MG_ERR < <(wrk_run gateway-moderate "$MODERATE" "$GATEWAY")
read -r MD_RPS MD_P99 MD_ERR < <(wrk_run direct-moderate "$MODERATE" "$PRODUCT")
read -r MS_TPS MS_P99 MS_ERR < <(pgbench_run sql-moderate "$MODERATE")

LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
ELAPSED=$(( $(date +%s) - START ))
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }
CPU=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
PG_VERSION=$(psql -tA -d postgres -c 'SHOW server_version')
cat >"$RESULTS" <<MD
# Product search benchmark

Generated by \`bench/product-search/run.sh\` on $(date -u +"%Y-%m-%d %H:%M UTC") (whole run ${ELAPSED} s). Loopback only.
Catalog: $PRODUCTS products, $VARIANTS variants in 8 shops and 18 subcategories of 6 root categories, seeded
with SQL into product-service's PostgreSQL $PG_VERSION database (\`bench/product-search/seed.sql\`).
Each connection rotates four searches (\`bench/product-search/search.lua\`), 20 results a page:

1. text \`q=waterproof jack\` (relevance order),
2. \`category=<Outdoor>\` (the root category and its subcategories),
3. \`minPrice=50&maxPrice=150&sort=price\`,
4. \`sort=newest&page=3\`.

(a) through the gateway (anonymous product read: routing, rate limiter, proxy), (b) straight to product-service,
(c) pgbench running the equivalent single SQL statement of each search (visible-product filter, total by
\`count(*) OVER ()\`, the page in the service's order, each row's variants as JSON) against the same database with
as many clients as wrk has connections; pgbench picks one of the four statements at random per transaction.
Text search in SQL: $TEXT_METHOD.
Indexes on products: $INDEXES.

| Connections | (a) gateway req/s | (b) service req/s | (c) SQL tps | a/c | a/b | b/c | p99 (a) ms | p99 (b) ms | p99 (c) ms |
|---|---|---|---|---|---|---|---|---|---|
| $CONNECTIONS | $G_RPS | $D_RPS | $S_TPS | $(ratio "$G_RPS" "$S_TPS") | $(ratio "$G_RPS" "$D_RPS") | $(ratio "$D_RPS" "$S_TPS") | $G_P99 | $D_P99 | $S_P99 |
| $MODERATE (moderate) | $MG_RPS | $MD_RPS | $MS_TPS | $(ratio "$MG_RPS" "$MS_TPS") | $(ratio "$MG_RPS" "$MD_RPS") | $(ratio "$MD_RPS" "$MS_TPS") | $MG_P99 | $MD_P99 | $MS_P99 |

Totals the service reported for the four searches:$TOTALS (SQL:$SQL_TOTALS).
Non-2xx answers: gateway ${G_ERR}/${MG_ERR}, service ${D_ERR}/${MD_ERR}; failed SQL transactions ${S_ERR}/${MS_ERR}.
The service runs two statements per search (count, then the page with its variants) plus the shop names, and
serialises JSON; (c) is one round trip: a/c is what the HTTP stack, EF Core and the gateway cost on top of the query.

Machine: $(nproc) cores ($CPU), .NET SDK $(dotnet --version), PostgreSQL $PG_VERSION, wrk and pgbench with $THREADS
threads, ${DURATION} s per measurement after a 3 s warm-up each. Load average at the start: $LOAD_START; at the end:
$LOAD_END. wrk, pgbench, the mesh, PostgreSQL and (on a shared development machine) other work share the same cores:
compare ratios, not absolute figures.

Reproduce: \`bench/product-search/run.sh\` (optional: \`DURATION=30 CONNECTIONS=32 bench/product-search/run.sh\`).
MD
echo "== results written to ${RESULTS#$ROOT/}"
cat "$RESULTS"
