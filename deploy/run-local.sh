#!/usr/bin/env bash
# Runs CARES Stream locally without Docker or API keys: a real KRaft Kafka broker, Apicurio Registry 2.x,
# the SIMULATED model server and the four services, all on 127.0.0.1. Imports the sample suite, shows
# progress, prints the scores and where to read them. --help lists the options.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  cat <<'HELP'
Usage: ./deploy/run-local.sh [options]

Runs CARES Stream on 127.0.0.1 without Docker or API keys: a Kafka broker, Apicurio Registry, a SIMULATED
model and judge, and the four services. Imports the sample suite, shows progress and prints the scores;
the live dashboard stays up until Ctrl-C.

Options:
  --no-build            Skip the Maven build (use what the last build left in target/).
  --once                Stop everything once the suite is scored.
  --suite-file FILE     A JSONL suite in the CARES-18K schema (default: deploy/sample-suite/cares-sample.jsonl).
  --suite NAME          The suite's name (default: cares-sample/test@local).
  --latency-ms N        The simulated model's latency in milliseconds (default: 50).
  --brokers N           Kafka nodes: 1, or 3 for a replicated cluster (replication 3, min.insync.replicas 2).
  --profile FILE        The simulated model's behaviour profile (JSON: label rates, faults).
  --work-dir DIR        Where logs go (default: .run-local).
  -h, --help            This help.
HELP
}

build=true
args=()
for arg in "$@"; do
  case "$arg" in
    -h|--help) usage; exit 0 ;;
    --no-build) build=false ;;
    *) args+=("$arg") ;;
  esac
done

if $build; then
  mkdir -p .run-local
  log=.run-local/build.log
  echo "Building CARES Stream (the first build downloads its dependencies; full log: $log)"
  # One line per module as Maven starts it, and a word when dependencies are being downloaded.
  ./mvnw -B package -DskipTests >"$log" 2>&1 </dev/null &
  build_pid=$!
  shown=0
  downloading=false
  while kill -0 "$build_pid" 2>/dev/null; do
    sleep 1
    mapfile -t modules < <(sed -n 's/^\[INFO\] Building CARES Stream :: \(.*\) [0-9A-Z.-]*-SNAPSHOT *\[\([0-9]*\/[0-9]*\)\]$/  [\2] \1/p' "$log")
    for ((i = shown; i < ${#modules[@]}; i++)); do echo "${modules[$i]}"; done
    shown=${#modules[@]}
    if ! $downloading && grep -q '^Downloading from' "$log"; then
      downloading=true
      echo "  downloading dependencies from Maven Central (only the first time)..."
    fi
  done
  if ! wait "$build_pid"; then
    echo "The build failed; the end of $log:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  echo "  built in $(grep -o 'Total time: *[^ ]* [a-z]*' "$log" | sed 's/Total time: *//')"
fi
exec java -cp "deploy/local-stack/target/classes:deploy/local-stack/target/lib/*" \
  io.caresstream.deploy.local.LocalStackMain "${args[@]+"${args[@]}"}"
