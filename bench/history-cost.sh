#!/usr/bin/env bash
# What a pause costs as a connector's history grows: Streams and process CPU, and the history
# store's changelog records and bytes, per pause of connectors with one history entry and with
# 1,000, in the same run. Figures go to bench/out/history-cost.json and .md.
# Usage: bench/history-cost.sh [--connectors 50] [--entries 1000] [--rounds 3]
set -euo pipefail
cd "$(dirname "$0")/.."
# Built in one reactor, so the modules' own classes are used, not what a local repository holds.
mkdir -p bench/out
mvn -B -q -pl schemas,processor,api test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/bench/out/history-cost-classpath.txt"
java -Xmx2g -cp "api/target/test-classes:api/target/classes:$(cat bench/out/history-cost-classpath.txt)" \
  io.switchboard.bench.HistoryCostBenchmark "$@"
