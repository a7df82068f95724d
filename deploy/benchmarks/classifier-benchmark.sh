#!/usr/bin/env bash
# Benchmark (issue 7): the n-gram jailbreak classifier's time per prompt on one core (target: under 1 ms).
# Trains on a project-made set unless --model FILE is given. Build first
# (./mvnw -q package -DskipTests -pl mitigation -am) or pass --build.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ "${1:-}" == "--build" ]]; then shift; ./mvnw -q package -DskipTests -pl mitigation -am; fi
exec taskset -c 0 java -XX:ActiveProcessorCount=1 -cp "mitigation/target/classes:mitigation/target/lib/*" \
  io.caresstream.mitigation.training.ClassifierBenchmark "$@"
