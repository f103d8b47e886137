#!/usr/bin/env bash
# Applies under kill -9: a set of 200 connectors applied to three Switchboard replicas (separate
# JVMs, identities in the processor's group) on a broker and a Kafka Connect worker of their own,
# round after round (created, changed across all 200, half pruned while half change, created
# again), and at each apply the replica deciding it (the owner of the set's partition) killed
# (SIGKILL) while it decides, a chosen delay after the set's command reached the partition, then
# started again. A checker then decides whether every change is visible whole or not at all (each
# connector it touched shows it, in its config and in a history entry naming the change, or none
# does), and the worker must converge. Exits 1 on any violation. Figures go to
# bench/out/apply-faults.json and .md.
# Usage: bench/apply-faults.sh [--no-build] [--rounds 6] [--connectors 200] [--seed N]
set -euo pipefail
cd "$(dirname "$0")/.."

build=true
args=()
for a in "$@"; do
  if [[ "$a" == "--no-build" ]]; then build=false; else args+=("$a"); fi
done
mkdir -p bench/out
if $build; then cp=$(bash bench/classpath.sh); else cp=$(bash bench/classpath.sh --no-build); fi
exec java -Xmx1g -cp "$cp" io.switchboard.faults.ApplyFaultRun "${args[@]}"
