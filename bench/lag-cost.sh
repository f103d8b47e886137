#!/usr/bin/env bash
# What the sink-lag reader costs a cluster: N sinks (topics, records and committed offsets made with
# the Admin API, no worker), the reader run as a replica runs it; per pass and per minute at the
# default 30 s: Admin client requests (its request-total), the age consumer's requests, and CPU of
# the reader's and the Admin client's threads; each size with the lag in seconds off and on (committed
# offsets still), and on with every committed offset moved on after each pass (each pass then reads
# as many partitions as it may).
# Figures go to bench/out/lag-cost.json.
# Usage: bench/lag-cost.sh [--sinks 100,1000] [--interval-s 5] [--seconds 60]
set -euo pipefail
cd "$(dirname "$0")/.."
# Built in one reactor, so the modules' own classes are used, not what a local repository holds.
mkdir -p bench/out
cp=$(bash bench/classpath.sh)
java -Xmx1g -cp "$cp" \
  io.switchboard.bench.LagCostBenchmark "$@"
