#!/usr/bin/env bash
# Reads over three replicas, each a JVM of its own, on one embedded broker: a connector's status
# read on its owner and forwarded one hop, and the list with expand=status&expand=info.
# Figures go to bench/out/.
# Usage: bench/replica-reads.sh [--connectors 10000] [--reads 3000] [--lists 20] [--concurrency 8] [--restart true]
set -euo pipefail
cd "$(dirname "$0")/.."
# The replicas are started with the benchmark's own class path, so it runs in a JVM of its own
# (not inside Maven).
cp=$(bash bench/classpath.sh)
java -Xmx1g -cp "$cp" \
  io.switchboard.bench.ReplicaReadBenchmark "$@"
