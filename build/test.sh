#!/usr/bin/env bash
# ./estore test: prerequisites, warning-free build, formatting check, every test.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
started=$(date +%s)

build/prerequisites.sh test
export ESTORE_TEST_POSTGRES="${ESTORE_TEST_POSTGRES:-Host=127.0.0.1;Port=5432;Username=estore;Password=estore}"

echo "== restore and build (Release, warnings are errors)"
dotnet build EStore.sln -c Release --nologo -v quiet -clp:"ErrorsOnly;Summary"

echo "== formatting (dotnet format --verify-no-changes)"
dotnet format EStore.sln --verify-no-changes --no-restore -v quiet

echo "== tests"
log="$(mktemp)"
set +e
dotnet test EStore.sln -c Release --no-build --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One summary line over every test assembly ("N passed, N failed"), as CI reads it.
awk -F'[:,]' '/(Passed|Failed)! +- Failed:/ {
    for (i = 1; i <= NF; i++) {
      if ($i ~ /Failed$/) failed += $(i+1); if ($i ~ /Passed$/) passed += $(i+1); if ($i ~ /Skipped$/) skipped += $(i+1)
    }
  } END { printf "tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped }' "$log"
rm -f "$log"
echo "== took $(( $(date +%s) - started ))s"
exit "$status"
