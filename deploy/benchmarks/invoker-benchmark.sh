#!/usr/bin/env bash
# Benchmark (issue 4): model-invoker prompts per second against the ideal (concurrency / latency), with the
# simulated model at 200 ms for concurrency 16, 64 and 256, and the invoker's own ceiling at 0 ms. Each
# run plugs a new model in, which replays the whole prompt log. Build first (./mvnw package -DskipTests)
# or pass --build. Options: --prompts N, --latency-ms L, --concurrency 16,64,256, --help.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ "${1:-}" == "--build" ]]; then shift; ./mvnw -q package -DskipTests; fi
exec java -cp "deploy/local-stack/target/classes:deploy/local-stack/target/lib/*" \
  io.caresstream.deploy.local.InvokerBenchmark "$@"
