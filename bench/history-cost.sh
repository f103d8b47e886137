#!/usr/bin/env bash
# What a pause costs as a connector's history grows: Streams and process CPU, and the history
# store's changelog records and bytes, per pause of connectors with one history entry and with
# 1,000, in the same run. Figures go to bench/out/history-cost.json and .md.
# Usage: bench/history-cost.sh [--connectors 50] [--entries 1000] [--rounds 3]
set -euo pipefail
cd "$(dirname "$0")/.."
# Built in one reactor, so the modules' own classes are used, not what a local repository holds.
mkdir -p bench/out
cp=$(bash bench/classpath.sh)
java -Xmx2g -cp "$cp" \
  io.switchboard.bench.HistoryCostBenchmark "$@"
