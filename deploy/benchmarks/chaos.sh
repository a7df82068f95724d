#!/usr/bin/env bash
# Chaos run (issue 13): a real evaluation (2 models, 1 LLM judge, a flaky simulated model API) on real
# processes, with every service killed with SIGKILL on a seeded schedule, Kafka nodes killed, a model-invoker
# scaled out and back and a scorer instance added and removed; then compared with a clean run of the same
# workload. Prints the faults injected and the checks, writes chaos-result.json, exits non-zero on a miss.
# Options: --prompts N --seed S --kills K --broker-kills B --brokers 3|1 --[no-]scale --latency-ms L --work-dir DIR
# Build first (./mvnw package -DskipTests) or pass --build.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ "${1:-}" == "--build" ]]; then shift; ./mvnw -q package -DskipTests; fi
exec java -cp "deploy/local-stack/target/classes:deploy/local-stack/target/lib/*" \
  io.caresstream.deploy.local.ChaosRun "$@"
