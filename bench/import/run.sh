#!/usr/bin/env bash
# Import benchmark (loopback only, bounded): in ONE run, rows/s of a 50,000-row CSV (10,000 products of 5 variants)
# through product-service's import (POST /api/products/import straight to the service, the job worker applying
# batches of Import:BatchSize rows with ledger lines, events and the per-row report) until the job is SUCCEEDED,
# first creating every row, then updating every row (new prices and stock); and PostgreSQL COPY of the same file
# into a scratch table of the same columns in the same database. Ratios go to bench/results/import.md.
# The mesh (broker, discovery, gateway, identity-service, product-service on PostgreSQL) is started by bench/import's
# MeshHost program (Release build). Usage: bench/import/run.sh   (env: ROWS=50000)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/bench/import"
RESULTS="$ROOT/bench/results/import.md"
ROWS=${ROWS:-50000}
source "$ROOT/bench/lib.sh"
bench_setup import
bench_database import
need curl curl
need python3 python3
need psql postgresql-client
bench_on_exit() {
  for suffix in identity product; do
    psql -q -d postgres -c "DROP DATABASE IF EXISTS \"${DATABASE}_$suffix\" WITH (FORCE)" >/dev/null 2>&1 || true
  done
}

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
START=$(date +%s)

echo "== building (Release)"
if ! dotnet build "$HERE/EStore.Import.Bench.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >"$WORK/build.log" 2>&1; then
  echo "build failed:" >&2; grep -E ' error ' "$WORK/build.log" | sort -u | head -20 >&2; exit 1
fi

echo "== starting the mesh (product-service on PostgreSQL database ${DATABASE}_product)"
dotnet "$ROOT/artifacts/bin/EStore.Import.Bench/release/EStore.Import.Bench.dll" \
  --database-prefix "Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD" --database "$DATABASE" \
  --ready-file "$WORK/ready" >"$WORK/mesh.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 360); do
  [ -s "$WORK/ready" ] && break
  kill -0 "${PIDS[0]}" 2>/dev/null || break
  sleep 0.5
done
[ -s "$WORK/ready" ] || { echo "mesh did not start:" >&2; tail -30 "$WORK/mesh.log" >&2; exit 1; }
PRODUCT=$(sed -n 's/^product=//p' "$WORK/ready")
TOKEN=$(sed -n 's/^token=//p' "$WORK/ready")
SHOP=$(sed -n 's/^shop=//p' "$WORK/ready")
echo "product-service $PRODUCT, shop $SHOP"

# make_csv <file> <price offset> <stock offset>: ROWS rows, 5 variants per product, in the demo category Outdoor.
make_csv() {
  python3 - "$1" "$ROWS" "$2" "$3" <<'PY'
import sys
path, rows, price, stock = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
with open(path, "w", newline="") as f:
    f.write("sku,name,description,categoryPath,variantName,price,currency,stock,lowStockThreshold,supplierRef\r\n")
    for i in range(rows):
        p = i // 5
        f.write(f'BENCH-{i:06d},Bench product {p:05d},"Imported by the benchmark, row {i}",Outdoor,Size {i % 5},'
                f'{(i % 200) + price}.{i % 100:02d},EUR,{(i % 50) + stock},5,SUP-{i:06d}\r\n')
PY
}
make_csv "$WORK/create.csv" 10 20
make_csv "$WORK/update.csv" 11 7
BYTES=$(stat -c %s "$WORK/create.csv")

# import_run <file>: prints "<wall seconds> <worker seconds> <created> <updated> <rejected>".
import_run() {
  local t0 job state answer
  t0=$(date +%s.%N)
  job=$(curl -fsS -X POST -H "Authorization: Bearer $TOKEN" -H "Content-Type: text/csv" --data-binary "@$1" \
    "$PRODUCT/api/products/import?shopId=$SHOP" | json 'j["id"]')
  for _ in $(seq 1 3600); do
    answer=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$PRODUCT/api/products/imports/$job?size=1")
    state=$(json 'j["state"]' <<<"$answer")
    [ "$state" = SUCCEEDED ] || [ "$state" = FAILED ] && break
    sleep 0.2
  done
  [ "$state" = SUCCEEDED ] || { echo "import $job ended $state: $answer" >&2; exit 1; }
  local wall
  wall=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
  json '"%.2f %d %d %d" % ((__import__("datetime").datetime.fromisoformat(j["finishedAt"]) - __import__("datetime").datetime.fromisoformat(j["startedAt"])).total_seconds(), j["created"], j["updated"], j["rejected"])' <<<"$answer" |
    sed "s/^/$wall /"
}

echo "== import: $ROWS new rows"
read -r C_WALL C_WORK C_CREATED C_UPDATED C_REJECTED < <(import_run "$WORK/create.csv")
echo "== import: the same $ROWS rows with new prices and stock"
read -r U_WALL U_WORK U_CREATED U_UPDATED U_REJECTED < <(import_run "$WORK/update.csv")

echo "== COPY of the same file into a scratch table"
PRODUCT_DB="${DATABASE}_product"
psql -q -v ON_ERROR_STOP=1 -d "$PRODUCT_DB" -c 'CREATE TABLE import_scratch (sku varchar(64), name varchar(200), description text,
  category_path text, variant_name varchar(100), price numeric(18,2), currency char(3), stock int, low_stock_threshold int,
  supplier_ref varchar(100))'
COPY_T0=$(date +%s.%N)
psql -q -v ON_ERROR_STOP=1 -d "$PRODUCT_DB" -c "\\copy import_scratch FROM '$WORK/create.csv' WITH (FORMAT csv, HEADER true)"
COPY_WALL=$(awk -v a="$COPY_T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
COPIED=$(psql -tA -d "$PRODUCT_DB" -c 'SELECT count(*) FROM import_scratch')
VARIANTS=$(psql -tA -d "$PRODUCT_DB" -c "SELECT count(*) FROM product_variants WHERE \"Sku\" LIKE 'BENCH-%'")
LEDGER=$(psql -tA -d "$PRODUCT_DB" -c "SELECT count(*) FROM stock_movements WHERE \"Reason\" = 'import'")

LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
ELAPSED=$(( $(date +%s) - START ))
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s + 0 == 0) print "n/a"; else printf "%.0f", n / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.3f", a / b }'; }
C_RATE=$(rate "$ROWS" "$C_WALL"); U_RATE=$(rate "$ROWS" "$U_WALL"); COPY_RATE=$(rate "$COPIED" "$COPY_WALL")
CPU=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
PG_VERSION=$(psql -tA -d postgres -c 'SHOW server_version')
cat >"$RESULTS" <<MD
# Import benchmark

Generated by \`bench/import/run.sh\` on $(date -u +"%Y-%m-%d %H:%M UTC") (whole run ${ELAPSED} s). Loopback only.
The file: $ROWS CSV rows ($BYTES bytes), 10,000 products of 5 variants each, every documented column filled
(\`bench/import/run.sh\`'s \`make_csv\`), imported by an administrator into the demo shop Summit Outfitters, sent
straight to product-service (\`POST /api/products/import\`), timed from the POST to the job's \`SUCCEEDED\`
(wall), and by the job's own \`startedAt\`..\`finishedAt\` (worker). The worker applies batches of
\`Import:BatchSize\` (500) rows, each one transaction with its variant locks, ledger lines (reason \`import\`),
outbox events and report rows. The peer: \`psql \\copy\` (COPY FROM STDIN) of the same file into a scratch table with
the same ten columns, no indexes, in the same database.

| Run | rows | wall s | worker s | rows/s (wall) | vs COPY | outcome |
|---|---|---|---|---|---|---|
| import, new SKUs | $ROWS | $C_WALL | $C_WORK | $C_RATE | $(ratio "$C_RATE" "$COPY_RATE") | $C_CREATED created, $C_REJECTED rejected |
| import, same SKUs, new prices and stock | $ROWS | $U_WALL | $U_WORK | $U_RATE | $(ratio "$U_RATE" "$COPY_RATE") | $U_UPDATED updated, $U_REJECTED rejected |
| PostgreSQL COPY into a scratch table | $COPIED | $COPY_WALL | | $COPY_RATE | 1 | |

After both imports: $VARIANTS variants with the file's SKUs, $LEDGER ledger lines with reason \`import\`.
COPY only parses and appends rows; the import also validates every value, matches SKUs, resolves categories, keeps
the ledger, raises LowStockDetected/ProductChanged through the outbox and writes a report row per line, so a ratio
far below 1 is expected: it says what those guarantees cost per row.

Machine: $(nproc) cores ($CPU), .NET SDK $(dotnet --version), PostgreSQL $PG_VERSION. Load average at the start:
$LOAD_START; at the end: $LOAD_END. The mesh, PostgreSQL and (on a shared development machine) other work share the
same cores: compare ratios, not absolute figures.

Reproduce: \`bench/import/run.sh\` (optional: \`ROWS=20000 bench/import/run.sh\`).
MD
echo "== results written to ${RESULTS#$ROOT/}"
cat "$RESULTS"
