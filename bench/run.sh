#!/usr/bin/env bash
# Switchboard and Kafka Connect 4.3.1 side by side: the same HTTP workload against a Kafka Connect
# worker driven directly, one Switchboard replica and three Switchboard replicas (each in front of
# a worker of the same kind), with the broker's acks=all produce round trip as the floor. Every
# part runs as its own JVM. Figures go to bench/out/ (results.json, results.md, latency.png).
#
# Usage: bench/run.sh [--quick] [--connectors N] [--no-build]
#                     [--targets kafka-connect,switchboard-1,switchboard-3] [--list-samples L] [--pause-rounds R]
#                     [--running-timeout-s S] [--jvm-opts "-Xmx2g"] [--worker-props linger.ms=0] [--warmup W] [--skip-c1] [--settle-s S]
#                     [--profile /path/to/libasyncProfiler.so [--profile-event cpu|alloc]]
#                     [--lower-priority THREAD_NAME_REGEX]
# Defaults: N = 500; --quick uses N = 5 and finishes in under two minutes (after the build).
# --warmup W: connectors in the untimed warm-up round (default 250); --skip-c1 leaves out the
# round at concurrency 1 (creates and deletes one at a time).
set -euo pipefail
cd "$(dirname "$0")/.."

build=true
args=()
for a in "$@"; do
  if [[ "$a" == "--no-build" ]]; then build=false; else args+=("$a"); fi
done

mkdir -p bench/out
# The comparison runs the replicas from the runnable jar, so the jar is built too.
if $build || [[ ! -f app/target/switchboard.jar ]]; then cp=$(bash bench/classpath.sh --jar); else cp=$(bash bench/classpath.sh --no-build); fi

exec java -Djava.awt.headless=true -cp "$cp" io.switchboard.bench.CompareBenchmark "${args[@]}"
