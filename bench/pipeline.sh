#!/usr/bin/env bash
# Rows per second through one typed Postgres-to-Postgres pipeline, against the same connectors
# created straight on the Kafka Connect worker. Figures go to bench/out/pipeline.txt.
# Usage: bench/pipeline.sh [rows per phase, default 20000]
set -euo pipefail
cd "$(dirname "$0")/.."
cp=$(bash bench/classpath.sh)
java -Xmx1g -cp "$cp" \
  io.switchboard.bench.PipelineThroughputBenchmark "$@"
