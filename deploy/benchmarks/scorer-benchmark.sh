#!/usr/bin/env bash
# Benchmark (issues 6 and 15): how fast a new scorer aggregates 1,000,000 judgments already on the log
# (target: under 40 s; --models 1 --prompts 1000000 puts them all on one model), and the delay from a
# judgment to the live dashboard at 500 judgments/s (target: p99 under 1 s). Starts its own broker and
# registry. Build first (./mvnw package -DskipTests) or pass --build.
# Options: --prompts N --models M (judgments = N x M), --rate R, --seconds S, --target-seconds T, --help.
# Also prints each process's CPU per 1,000 judgments, steadier than wall time on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ "${1:-}" == "--build" ]]; then shift; ./mvnw -q package -DskipTests; fi
exec java -cp "deploy/local-stack/target/classes:deploy/local-stack/target/lib/*" \
  io.caresstream.deploy.local.ScorerBenchmark "$@"
