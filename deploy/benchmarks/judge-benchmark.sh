#!/usr/bin/env bash
# Benchmark (issue 5): judge-service judgments per second against the ideal (concurrency / latency), with
# the simulated judge at 200 ms for concurrency 16, 64 and 256, and the ceiling at 0 ms. A model answers the
# prompts first; each run plugs a new judge in, which judges every stored response. Build first
# (./mvnw package -DskipTests) or pass --build. Options: --responses N, --latency-ms L, --concurrency ..., --help.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ "${1:-}" == "--build" ]]; then shift; ./mvnw -q package -DskipTests; fi
exec java -cp "deploy/local-stack/target/classes:deploy/local-stack/target/lib/*" \
  io.caresstream.deploy.local.JudgeBenchmark "$@"
