#!/usr/bin/env bash
# ./estore test: prerequisites, warning-free build, formatting check, every test.
#   ./estore test [--suite NAME] [--filter EXPRESSION] [other dotnet test args]
# The proof suites (tests marked [Trait("Suite", NAME)]) take long; they run only when asked for:
# --suite security|faults|load runs one, --suite all runs every test including them.
set -euo pipefail
suites=(security faults load)
suite=""
filter=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --suite) [ $# -ge 2 ] || { echo "test: --suite needs a name: ${suites[*]} or all" >&2; exit 2; }; suite="$2"; shift 2 ;;
    --suite=*) suite="${1#--suite=}"; shift ;;
    --filter) [ $# -ge 2 ] || { echo "test: --filter needs an expression" >&2; exit 2; }; filter="$2"; shift 2 ;;
    --filter=*) filter="${1#--filter=}"; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
case "$suite" in
  "") selection="$(printf 'Suite!=%s&' "${suites[@]}")"; selection="${selection%&}" ;;
  all) selection="" ;;
  security|faults|load) selection="Suite=$suite" ;;
  *) echo "test: unknown suite '$suite' (known: ${suites[*]} or all)" >&2; exit 2 ;;
esac
if [ -n "$filter" ] && [ -n "$selection" ]; then
  filter="($filter)&($selection)"
elif [ -n "$selection" ]; then
  filter="$selection"
fi
if [ -n "$filter" ]; then
  args+=(--filter "$filter")
fi
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
dotnet test EStore.sln -c Release --no-build --nologo "${args[@]}" 2>&1 | tee "$log"
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
