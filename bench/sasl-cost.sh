#!/usr/bin/env bash
# What SASL/PLAIN and the authorizer of the embedded broker cost: the acks=all produce round trip of
# one record, sequential sends, PLAINTEXT vs SASL+ACLs, a broker of its own per run.
# Usage: bench/sasl-cost.sh [--sends 3000] [--runs 3] [--warmup 500]
set -euo pipefail
cd "$(dirname "$0")/.."
cp=$(bash bench/classpath.sh)
exec java -Xmx1g -cp "$cp" io.switchboard.bench.SaslCostBenchmark "$@"
