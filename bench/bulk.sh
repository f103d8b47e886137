#!/usr/bin/env bash
# A bulk pause through Switchboard against the same pauses sent to a Kafka Connect worker directly,
# both on one broker, each with its own worker: the time until every connector is PAUSED, per
# round and as a median ratio. Figures go to bench/out/bulk.json and .md.
# Usage: bench/bulk.sh [--connectors 500] [--concurrency 16] [--rounds 3]
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
cp=$(bash bench/classpath.sh)
java -Xmx4g -cp "$cp" \
  io.switchboard.bench.BulkBenchmark "$@"
