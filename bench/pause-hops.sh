#!/usr/bin/env bash
# Where a decided pause spends its time: a trace of each pause and resume through its hops (the API,
# the command's write, the processor's poll, the decision, the hand-off to the waiting request, the
# answer), at concurrency 1 and 16, through Switchboard as its default command runs it (one JVM).
# Figures go to bench/out/pause-hops.json and .md.
# Usage: bench/pause-hops.sh [--connectors 100] [--rounds 3] [--warmup-rounds 2] [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."
build=
args=()
for a in "$@"; do
  if [[ "$a" == "--no-build" ]]; then build=--no-build; else args+=("$a"); fi
done
cp=$(bash bench/classpath.sh $build)
java -Xmx2g -cp "$cp" io.switchboard.bench.PauseHopsBenchmark "${args[@]}"
