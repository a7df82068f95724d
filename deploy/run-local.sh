#!/usr/bin/env bash
# Runs CARES Stream locally without Docker or API keys: a real KRaft Kafka broker, Apicurio Registry 2.x,
# the SIMULATED model server and the four services, all on 127.0.0.1. Imports the sample suite, shows
# progress, prints the scores and where to read them. Options: --no-build, --once, --help (more in --help).
set -euo pipefail
cd "$(dirname "$0")/.."

build=true
args=()
for arg in "$@"; do
  if [[ "$arg" == "--no-build" ]]; then build=false; else args+=("$arg"); fi
done

if $build; then
  echo "Building CARES Stream (the first build downloads its dependencies)..."
  ./mvnw -q package -DskipTests
fi
exec java -cp "deploy/local-stack/target/classes:deploy/local-stack/target/lib/*" \
  io.caresstream.deploy.local.LocalStackMain "${args[@]+"${args[@]}"}"
