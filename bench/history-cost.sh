#!/usr/bin/env bash
# What a pause costs as a connector's history grows: Streams and process CPU, and the history
# store's changelog records and bytes, per pause of connectors with one history entry and with
# 1,000, in the same run. Figures go to bench/out/history-cost.json and .md.
# Usage: bench/history-cost.sh [--connectors 50] [--entries 1000] [--rounds 3]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests install
mvn -B -q -pl api dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
java -Xmx2g -cp "api/target/test-classes:api/target/classes:$(cat api/target/test-classpath.txt)" \
  io.switchboard.bench.HistoryCostBenchmark "$@"
