#!/usr/bin/env bash
# What one pause costs Kafka through Switchboard as its default command runs it (embedded broker,
# worker and replica, in one JVM): the records each topic gains and the requests the broker
# handles per pause. Figures go to bench/out/pause-writes.json and .md.
# Usage: bench/pause-writes.sh [--connectors 100] [--concurrency 16] [--settle-s 15]
set -euo pipefail
cd "$(dirname "$0")/.."
cp=$(bash bench/classpath.sh)
java -Xmx2g -cp "$cp" \
  io.switchboard.bench.PauseWritesBenchmark "$@"
