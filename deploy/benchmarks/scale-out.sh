#!/usr/bin/env bash
# Benchmark (issue 16): steady throughput of 1, 2, 4 and 8 instances of one model's invoker, then two model ids
# at once, then 1, 2, 4 and 8 instances of one judge: separate processes against the simulated model at 200 ms
# with 2 calls in flight per instance, on topics of 6 partitions (so 8 instances show the partition cap). Each
# count's instances start waiting at the end of their input; the work (copies of prompts or responses already on
# the log) is written once all are ready, and counted over a window after a warm-up. Prints the table (per second,
# against ideal = min(instances, partitions) x concurrency / latency, against linear, the machine's CPU) and
# exits non-zero when a point is under 0.90 of ideal. Build first (./mvnw package -DskipTests) or pass --build.
# Options: --instances 1,2,4,8 --partitions 6 --concurrency 2 --latency-ms 200 --prompts 20000
#          --warm-up-seconds 30 --window-seconds 20 --services model-invoker,judge-service --no-two-models --help
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ "${1:-}" == "--build" ]]; then shift; ./mvnw -q package -DskipTests; fi
exec java -cp "deploy/local-stack/target/classes:deploy/local-stack/target/lib/*" \
  io.caresstream.deploy.local.ScaleOutBenchmark "$@"
