#!/usr/bin/env bash
# What user policies cost, in one run on one replica: create latency at concurrency 16 with no
# policy and with 50 in force (rounds interleaved), and the time of a policy's dry run over 10,000
# connectors. Figures go to bench/out/policy-cost.json and .md.
# Usage: bench/policies.sh [--no-build] [--connectors 1000] [--rounds 3] [--policies 50] [--warmup 500]
#                          [--dry-run-connectors 10000] [--dry-runs 5] [--out bench/out]
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
args=()
build=--build
for a in "$@"; do
  if [[ "$a" == "--no-build" ]]; then build=--no-build; else args+=("$a"); fi
done
if [[ "$build" == "--no-build" ]]; then cp=$(bash bench/classpath.sh --no-build); else cp=$(bash bench/classpath.sh); fi
exec java -Xmx2g -cp "$cp" io.switchboard.bench.PolicyCostBenchmark "${args[@]}"
