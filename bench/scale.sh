#!/usr/bin/env bash
# How one replica carries many connectors: the time to decide N creates, resident memory, list and
# single-read latency, the time to serve again after a restart on its data, and the time until a
# new replica with no data serves. Figures go to bench/out/scale.json and .md.
# Usage: bench/scale.sh [--connectors 100000] [--jvm-opts "-Xmx384m"] [--reads 200]
set -euo pipefail
cd "$(dirname "$0")/.."
# Built in one reactor, so the modules' own classes are used, not what a local repository holds.
mkdir -p bench/out
cp=$(bash bench/classpath.sh)
java -Xmx1g -cp "$cp" \
  io.switchboard.bench.ScaleBenchmark "$@"
