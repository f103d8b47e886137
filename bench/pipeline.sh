#!/usr/bin/env bash
# Rows per second through one typed Postgres-to-Postgres pipeline, against the same connectors
# created straight on the Kafka Connect worker. Figures go to bench/out/pipeline.txt.
# Usage: bench/pipeline.sh [rows per phase, default 20000]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests install
mvn -B -q -pl api test-compile
mvn -B -q -pl api dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
java -Xmx1g -cp "api/target/test-classes:api/target/classes:$(cat api/target/test-classpath.txt)" \
  io.switchboard.bench.PipelineThroughputBenchmark "$@"
