#!/usr/bin/env bash
# Benchmark (issue 15): the whole pipeline, import command to the last figure, against the model endpoint's
# limit. Starts the stack, plugs in fresh model(s) and a fresh judge against the simulated server, imports N
# project-made prompts, and prints the rate against the ideal, time to first call / judgment / figure, the
# judgment-to-dashboard delay, CPU and peak memory per process; writes e2e-result.json; exits 1 on a missed
# target. Build first (./mvnw package -DskipTests) or pass --build. Options: --prompts N, --latency-ms L,
# --model-concurrency C, --judge-concurrency C, --models M, --runs N, --warm-stack N (a running stack: N prompts
# through it first), --profile, --work-dir DIR, --help.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ "${1:-}" == "--build" ]]; then shift; ./mvnw -q package -DskipTests; fi
# The harness runs beside the stack it measures: on C1 alone and a small heap, it leaves the cores to the stack.
exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx512m -cp "deploy/local-stack/target/classes:deploy/local-stack/target/lib/*" \
  io.caresstream.deploy.local.E2eBenchmark "$@"
