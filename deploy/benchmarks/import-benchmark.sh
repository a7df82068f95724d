#!/usr/bin/env bash
# Benchmark (issue 3): import 18,478 project-made rows into the prompt topic through the prompt-generator,
# on a real broker and registry. Prints rows per second and the ratio to the 20 s target.
# Build first (./mvnw package -DskipTests) or pass --build.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ "${1:-}" == "--build" ]]; then shift; ./mvnw -q package -DskipTests; fi
exec java -cp "deploy/local-stack/target/classes:deploy/local-stack/target/lib/*" \
  io.caresstream.deploy.local.ImportBenchmark "$@"
