#!/usr/bin/env bash
# Create latency through Switchboard at concurrency 16 against the broker's own acks=all produce
# round trip, measured in one run on one embedded broker. Figures go to bench/out/.
# Usage: bench/create-latency.sh [--connectors 2000] [--concurrency 16] [--warmup 300]
set -euo pipefail
cd "$(dirname "$0")/.."
cp=$(bash bench/classpath.sh)
exec java -Xmx2g -cp "$cp" io.switchboard.bench.CreateLatencyBenchmark "$@"
