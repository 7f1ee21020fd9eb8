#!/usr/bin/env bash
# Installs and starts what EStore needs on Debian. Idempotent: does nothing that is already done.
#   build/prerequisites.sh runtime   the .NET SDK and the repository's .NET tools (smtp4dev; the Kafka client's native
#                                    library comes from NuGet: librdkafka.redist, whose centos8 build needs only glibc
#                                    on Debian 12)
#   build/prerequisites.sh test      the above, plus PostgreSQL running with an 'estore' role
set -euo pipefail
mode="${1:-runtime}"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "prerequisites: '$*' needs root; run as root or install sudo" >&2; exit 1; fi
}

if ! command -v dotnet >/dev/null; then
  echo "prerequisites: the .NET 10 SDK (dotnet) is not on PATH; install it first" >&2
  exit 1
fi

# The repository's .NET tools (.config/dotnet-tools.json: smtp4dev, the local mail inbox of ./estore up and its
# tests) from the NuGet registry; quick when they are restored already.
(cd "$(dirname "${BASH_SOURCE[0]}")/.." && dotnet tool restore >/dev/null) || { echo "prerequisites: 'dotnet tool restore' failed (.config/dotnet-tools.json)" >&2; exit 1; }

packages=()
# chromium: the browser tests (tests/EStore.Web.Tests) drive Debian's build through Playwright, whose own download cannot work here.
[ "$mode" = test ] && packages+=(postgresql chromium)
# kubernetes-client: Debian's kubectl 1.20, whose built-in kustomize (v2.0.3) renders deploy/kubernetes in
# tests/EStore.Deployment.Tests; nodejs and npm run its validator. Where another package already owns /usr/bin/kubectl
# (the two cannot both be installed), Debian's is unpacked under artifacts/tools/ below and the test uses both.
[ "$mode" = test ] && ! command -v kubectl >/dev/null && packages+=(kubernetes-client)
# docker-compose: Debian's 1.29 renders docker-compose.yml (`docker-compose config`) in tests/EStore.Deployment.Tests;
# no Docker engine is needed for that, and none runs here.
[ "$mode" = test ] && ! command -v docker-compose >/dev/null && packages+=(docker-compose)
[ "$mode" = test ] && ! command -v npm >/dev/null && packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "prerequisites: installing ${missing[*]} (apt)..."
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ "$mode" = test ]; then
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  kubectl_dir="$root/artifacts/tools/kubernetes-client"
  if ! dpkg-query -W -f='${Status}' kubernetes-client 2>/dev/null | grep -q "install ok installed" && [ ! -x "$kubectl_dir/usr/bin/kubectl" ]; then
    echo "prerequisites: unpacking Debian's kubernetes-client (kubectl 1.20) into artifacts/tools/..."
    download="$(mktemp -d)"; mkdir -p "$kubectl_dir"
    # A failure here stops no test: the deployment tests then render with the PATH's kubectl alone.
    (cd "$download" && { apt-get download -qq kubernetes-client 2>/dev/null || { as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq && apt-get download -qq kubernetes-client; }; } && dpkg -x kubernetes-client_*.deb "$kubectl_dir") \
      || echo "prerequisites: WARNING: could not unpack Debian's kubernetes-client; deploy/kubernetes is rendered with the PATH's kubectl only" >&2
    rm -rf "$download"
  fi
  # The manifests' validator: kubernetes-models from the npm registry at the versions of its lockfile.
  validate="$root/deploy/kubernetes/validate"
  if [ "$validate/package-lock.json" -nt "$validate/node_modules/.package-lock.json" ]; then
    echo "prerequisites: npm ci in deploy/kubernetes/validate..."
    (cd "$validate" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) \
      || echo "prerequisites: WARNING: npm ci failed in deploy/kubernetes/validate; tests/EStore.Deployment.Tests will fail" >&2
  fi
  # Start the packaged cluster if it is down (fresh machines boot with it stopped).
  if command -v pg_lsclusters >/dev/null && pg_lsclusters --no-header | awk '$4 != "online" {found=1} END {exit !found}'; then
    pg_lsclusters --no-header | awk '$4 != "online" {print $1, $2}' | while read -r version cluster; do
      echo "prerequisites: starting PostgreSQL ${version}/${cluster}..."
      as_root pg_ctlcluster "$version" "$cluster" start
    done
  fi
  for _ in $(seq 1 30); do
    as_root su postgres -c "pg_isready -q -h 127.0.0.1 -p 5432" && break
    sleep 1
  done
  as_root su postgres -c "pg_isready -q -h 127.0.0.1 -p 5432" || { echo "prerequisites: PostgreSQL does not answer on 127.0.0.1:5432" >&2; exit 1; }
  # A login that may create the throwaway databases each test run uses.
  as_root su postgres -c "psql -q -v ON_ERROR_STOP=1 -d postgres" <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'estore') THEN
    CREATE ROLE estore LOGIN CREATEDB PASSWORD 'estore';
  END IF;
END
$$;
SQL
fi
