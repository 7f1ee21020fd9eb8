#!/usr/bin/env bash
# Makes a new service from templates/estore-service and wires it into the mesh (README.md, "Adding a service").
#   ./estore new-service <name>      e.g. ./estore new-service order
# <name> is a planned service of tools/EStore.Mesh/ServiceCatalog.cs (app <name>-service) that does not exist yet.
# All or nothing: every check runs before the first change, and when a step fails the files it edited are put back
# and the folders it made removed, so the repository is as before and the command can simply run again.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

fail() {
  echo "new-service: $*" >&2
  exit 1
}

[ $# -eq 1 ] || { echo "usage: ./estore new-service <name>   (e.g. order: a service ServiceCatalog lists that is not built yet)" >&2; exit 2; }
name="$1"
app="$name-service"
catalog=tools/EStore.Mesh/ServiceCatalog.cs

# The catalog line: new("cart-service", "EStore.Cart", 8083, MeshRole.Service)
entry="$(grep -E "new\(\"$app\", \"EStore\.[A-Za-z]+\", [0-9]+, MeshRole\.Service\)" "$catalog" || true)"
if ! [[ "$name" =~ ^[a-z]+$ ]] || [ -z "$entry" ]; then
  planned=""
  for known in $(grep -oE 'new\("[a-z]+-service"' "$catalog" | sed -E 's/new\("([a-z]+)-service"/\1/'); do
    [ -e "services/$known" ] || planned+=" $known"
  done
  fail "'$name' is not a service of $catalog; not built yet:${planned:- none}"
fi
project="$(sed -E 's/.*"(EStore\.[A-Za-z]+)".*/\1/' <<<"$entry")"
port="$(sed -E 's/.*", ([0-9]+), MeshRole.*/\1/' <<<"$entry")"
pascal="${project#EStore.}"
tests_project="$project.Tests"
service_dir="services/$name"
tests_dir="tests/$tests_project"
upper="$(tr '[:lower:]' '[:upper:]' <<<"$name")"

# Already there, wholly or in part: say where, change nothing.
[ ! -e "$service_dir" ] || fail "$app already exists: $service_dir"
[ ! -e "$tests_dir" ] || fail "$app already exists: $tests_dir"
! grep -q "\"$project\"" EStore.sln || fail "$app already exists: $project is in EStore.sln"
! grep -qE "^  $app:" docker-compose.yml || fail "$app already exists: docker-compose.yml runs it"
grep -qE "^\| $app \|.*\| not yet \|$" docs/architecture.md || fail "docs/architecture.md has no 'not yet' row for $app"
! grep -q "(services/$name/README.md)" README.md || fail "$app already exists: README.md links services/$name/README.md"

# The gateway's first route for the app gives the prefix its endpoints live under.
prefix="$(awk -v app="\"$app\"" '
  index($0, "\"ClusterId\": " app) { found = 1 }
  found && /"Path":/ { sub(/.*"Path": *"/, ""); sub(/\/\{\*\*rest\}".*/, ""); print; exit }' gateway/appsettings.json)"
[[ "$prefix" =~ ^/api/[a-z-]+$ ]] || fail "gateway/appsettings.json has no /api/<name>/{**rest} route to $app"
# Its topic, when shared-contracts declares one for it (order, payment).
topic=""
grep -qE "public const string $pascal = " shared-contracts/Topics.cs && topic="$pascal"

work="$(mktemp -d /tmp/estore-new-service.XXXXXX)"
edited=(EStore.sln docker-compose.yml build/kafka/init-security.sh docs/architecture.md README.md)
for file in "${edited[@]}"; do
  mkdir -p "$work/$(dirname "$file")"
  cp -p "$file" "$work/$file"
done
step="starting"
undo() {
  local status=$?
  trap - ERR EXIT
  if [ "$status" -ne 0 ]; then
    echo "new-service: failed while $step (exit $status); putting the repository back as it was" >&2
    for file in "${edited[@]}"; do cp -p "$work/$file" "$file"; done
    rm -rf "$service_dir" "$tests_dir"
  fi
  rm -rf "$work"
  exit "$status"
}
trap undo EXIT

step="installing templates/estore-service"
dotnet new install ./templates/estore-service --force >"$work/install.log" 2>&1 || { cat "$work/install.log" >&2; false; }

step="running the template"
template_args=(--port "$port" --prefix "$prefix")
[ -n "$topic" ] && template_args+=(--topic "$topic")
dotnet new estore-service -n "$pascal" -o . "${template_args[@]}" >"$work/new.log" 2>&1 || { cat "$work/new.log" >&2; false; }
if [ ! -f "$service_dir/$project.csproj" ] || [ ! -f "$tests_dir/$tests_project.csproj" ]; then cat "$work/new.log" >&2; false; fi

step="adding the projects to EStore.sln"
dotnet sln EStore.sln add "$service_dir/$project.csproj" >/dev/null
dotnet sln EStore.sln add --solution-folder tests "$tests_dir/$tests_project.csproj" >/dev/null

step="adding $app to docker-compose.yml"
secret="change-me-$app-secret"
compose="$work/compose.new"
awk -v app="$app" -v name="$name" -v upper="$upper" -v project="$project" -v secret="$secret" '
  function flush_block() {
    if (block == "passwords" && !has_password) print "  KAFKA_PASSWORD_" upper ": ${KAFKA_PASSWORD_" upper ":-change-me-kafka-" name "}"
    if (block == "security") print "  Discovery__Security__Apps__" app ": " secret
    block = ""
  }
  /^x-kafka-passwords:/ { block = "passwords" }
  /^x-discovery-security:/ { block = "security" }
  block != "" && /^$/ { flush_block() }
  index($0, "  KAFKA_PASSWORD_" upper ":") == 1 { has_password = 1 }
  /^volumes:/ {
    print "  " app ":"
    print "    <<: *service"
    print "    build: { context: ., dockerfile: build/Dockerfile, args: { PROJECT: services/" name "/" project ".csproj, ASSEMBLY: " project " } }"
    print "    environment:"
    print "      <<: *service-env"
    print "      Eureka__Client__ServiceUrl: http://" app ":" secret "@discovery-1:8080/eureka/,http://" app ":" secret "@discovery-2:8080/eureka/"
    print "      ConnectionStrings__Default: Host=postgres;Database=" name "_service;Username=estore;Password=estore"
    print "      Kafka__SaslUsername: " app
    print "      Kafka__SaslPassword: ${KAFKA_PASSWORD_" upper ":-change-me-kafka-" name "}"
    print ""
  }
  { print }' docker-compose.yml >"$compose"
grep -q "Discovery__Security__Apps__$app: " "$compose"
grep -q "KAFKA_PASSWORD_$upper:" "$compose"
grep -qE "^  $app:" "$compose"
cat "$compose" >docker-compose.yml

step="adding the Kafka principal to build/kafka/init-security.sh"
if grep -q "^principal $app " build/kafka/init-security.sh; then
  principal_note="already there (its ACLs: check them against the service's Program.cs)"
else
  block="$work/principal"
  cat >"$block" <<EOF
# $app: TODO fill in its topic rights from its Program.cs: Write its own topic, Read each topic it consumes and
# Write that topic's .dlq. It validates tokens, so it reads identity.events (TokenRevoked).
principal $app "\$KAFKA_PASSWORD_$upper"
allow $app Read identity.events
groups $app

EOF
  awk -v block="$block" '/^echo "kafka security ready"/ { while ((getline line < block) > 0) print line } { print }' \
    build/kafka/init-security.sh >"$work/init.new"
  grep -q "^principal $app " "$work/init.new"
  cat "$work/init.new" >build/kafka/init-security.sh
  principal_note="added, with a TODO for its topic ACLs"
fi

step="marking $app built in docs/architecture.md"
sed -i -E "s/^(\| $app \|.*\| )not yet \|$/\1yes |/" docs/architecture.md
grep -qE "^\| $app \|.*\| yes \|$" docs/architecture.md

step="adding $app to README.md's \"Read more\" table"
awk -v row="| $app | [services/$name/README.md](services/$name/README.md) |" '
  { lines[NR] = $0 }
  /^\| [a-z]+-service \| \[services\/[a-z]+\/README\.md\]/ { last = NR }
  END { for (i = 1; i <= NR; i++) { print lines[i]; if (i == last) print row } }' README.md >"$work/readme.new"
grep -qF "(services/$name/README.md)" "$work/readme.new"
cat "$work/readme.new" >README.md

step="done"
echo "new-service: made $app ($project, port $port, routes under $prefix${topic:+, publishes Topics.$topic}):"
made() { printf '  %-30s %s\n' "$1" "$2"; }
made "$service_dir/" "Program.cs, Apis/${pascal}Api.cs, Data/${pascal}DbContext.cs (+ factory), appsettings.json, README.md"
made "$tests_dir/" "starts on PostgreSQL, health UP, OpenAPI titled $app, 401 without a token"
made EStore.sln "both projects (solution folders services/$name and tests)"
made docker-compose.yml "$app with its discovery secret, database ${name}_service and Kafka user"
made build/kafka/init-security.sh "principal $app $principal_note"
made docs/architecture.md "$app built: yes"
made README.md "\"Read more\" row"
cat <<NEXT
Next:
  dotnet build EStore.sln -c Release && dotnet test $tests_dir -c Release
  ./estore up --ports auto       # $app registers; the gateway routes $prefix to it
  Then its domain (README.md, "Adding a service"): entities in Data/ and build/add-migration.sh $name InitialCreate,
  Services/, Dtos/ and endpoints in Apis/${pascal}Api.cs; its topic ACLs in build/kafka/init-security.sh; a gateway
  route policy in gateway/appsettings.json where a path needs other than "authenticated"; its README.
NEXT
