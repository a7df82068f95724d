#!/usr/bin/env bash
# Benchmark (issue 15): resident memory of a model-invoker that has answered 1,000,000 prompts against one that
# has answered 10,000 (target: at most 1.10 times), and the time and CPU it takes to read its answered topic at
# start. Each size is a new model whose answered topic is filled first; its invoker then answers a suite of new
# prompts. Starts its own broker, registry and prompt-generator. Build first (./mvnw package -DskipTests) or
# pass --build. Options: --sizes 10000,1000000 --prompts N --target-ratio R --help.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ "${1:-}" == "--build" ]]; then shift; ./mvnw -q package -DskipTests; fi
exec java -cp "deploy/local-stack/target/classes:deploy/local-stack/target/lib/*" \
  io.caresstream.deploy.local.AnsweredBenchmark "$@"
