#!/usr/bin/env bash
# Faults: three Switchboard replicas (separate JVMs) on a broker of its own process and a Kafka
# Connect worker behind a TCP proxy, concurrent clients through every dialect, and a nemesis that
# kills a replica, freezes one past its session timeout, restarts the broker, kills the worker,
# cuts the replicas from it or one from the broker, skews one's clock and fills one's data disk. A checker then decides whether every connector's history explains what
# the clients saw (nothing acknowledged lost, nothing applied twice, real-time order, no stale
# read), whether the worker converged to it, and whether a secret value leaked. Exits 1 on any
# violation. Figures go to bench/out/faults.json and .md, the processes' logs to bench/out/faults-logs/
# Usage: bench/faults.sh [--no-build] [--seconds 120] [--clients 6] [--connectors 8] [--seed N]
#                        [--faults kill-replica,freeze-replica,restart-broker,kill-worker,cut-worker,cut-broker,
#                                  skew-clock,fill-disk]
set -euo pipefail
cd "$(dirname "$0")/.."

build=true
args=()
for a in "$@"; do
  if [[ "$a" == "--no-build" ]]; then build=false; else args+=("$a"); fi
done
mkdir -p bench/out
if $build; then cp=$(bash bench/classpath.sh); else cp=$(bash bench/classpath.sh --no-build); fi
exec java -Xmx1g -cp "$cp" io.switchboard.faults.FaultRun "${args[@]}"
