#!/usr/bin/env bash
# What user policies cost, in one run on one replica: create latency at concurrency 16 with no
# policy and with 50 in force (rounds interleaved), and the time of a policy's dry run over 10,000
# connectors. Figures go to bench/out/policy-cost.json and .md.
# Usage: bench/policies.sh [--connectors 1000] [--rounds 3] [--policies 50] [--dry-run-connectors 10000] [--dry-runs 5]
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
cp=$(bash bench/classpath.sh)
exec java -Xmx2g -cp "$cp" io.switchboard.bench.PolicyCostBenchmark "$@"
