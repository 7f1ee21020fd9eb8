#!/usr/bin/env bash
# Adds an EF Core migration (PostgreSQL) to a service's Data/Migrations after a model change.
#   build/add-migration.sh <service> <MigrationName>      e.g. build/add-migration.sh shop AddShopSummary
#
# Microsoft.EntityFrameworkCore.Design does not restore from the package registry here (two of its dependencies,
# Mono.TextTemplating and Microsoft.VisualStudio.SolutionPersistence, are absent), so the services cannot reference
# it. This script builds a throwaway startup project outside the repository that references the service and the
# Design package with those two pruned (migration scaffolding does not use them), and runs dotnet-ef against it.
# The service declares a design-time factory for its DbContext: a one-line subclass of the platform's
# PostgresDesignTimeFactory<TContext> (see services/shop/Data/ShopDbContextFactory.cs).
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: build/add-migration.sh <service> <MigrationName>   (service: a folder under services/)" >&2
  exit 2
fi
service="$1"
name="$2"
root="$(cd "$(dirname "$0")/.." && pwd)"
project_dir="$root/services/$service"
project="$(ls "$project_dir"/*.csproj 2>/dev/null | head -n1 || true)"
if [ -z "$project" ]; then
  echo "add-migration: no project in services/$service" >&2
  exit 2
fi
if ! [[ "$name" =~ ^[A-Z][A-Za-z0-9]*$ ]]; then
  echo "add-migration: the migration name must be PascalCase letters and digits, got '$name'" >&2
  exit 2
fi
namespace="$(basename "$project" .csproj).Data.Migrations"
ef_version=10.0.14
work="$(mktemp -d /tmp/estore-migration.XXXXXX)"
trap 'rm -rf "$work"' EXIT

tools="${ESTORE_TOOLS:-$HOME/.estore/tools}"
if ! "$tools/dotnet-ef" --version 2>/dev/null | grep -q "$ef_version"; then
  echo "add-migration: installing dotnet-ef $ef_version into $tools..."
  dotnet tool install dotnet-ef --version "$ef_version" --tool-path "$tools" >/dev/null
fi

# Outside the repository, so the central package versions and build settings do not apply to it.
cat >"$work/MigrationStartup.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <OutputType>Exe</OutputType>
    <ImplicitUsings>enable</ImplicitUsings>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="$project" />
    <PackageReference Include="Microsoft.EntityFrameworkCore.Design" Version="$ef_version" />
    <PrunePackageReference Include="Mono.TextTemplating" Version="3.0.0" />
    <PrunePackageReference Include="Microsoft.VisualStudio.SolutionPersistence" Version="1.0.52" />
  </ItemGroup>
</Project>
EOF
echo 'return 0;' >"$work/Program.cs"

echo "add-migration: restoring the startup project..."
dotnet restore "$work/MigrationStartup.csproj" >"$work/restore.log" 2>&1 || { cat "$work/restore.log" >&2; exit 1; }
echo "add-migration: scaffolding $name for services/$service..."
"$tools/dotnet-ef" migrations add "$name" \
  --project "$project" --startup-project "$work/MigrationStartup.csproj" \
  --output-dir Data/Migrations --namespace "$namespace"
# dotnet-ef files the model snapshot under a folder named after its namespace when the project sets no
# RootNamespace; keep it beside the migrations.
find "$project_dir" -path "$project_dir/Data/Migrations" -prune -o -name '*ModelSnapshot.cs' -newer "$work/Program.cs" -print |
  while read -r stray; do
    mv "$stray" "$project_dir/Data/Migrations/"
    rmdir -p --ignore-fail-on-non-empty "$(dirname "$stray")"
  done
dotnet format "$project" --include "$project_dir/Data/Migrations/" >/dev/null
echo "add-migration: wrote services/$service/Data/Migrations/*_$name.cs"
