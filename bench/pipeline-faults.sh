#!/usr/bin/env bash
# A typed pipeline under worker crashes, with a target that records every row the sink writes, so
# that a change applied twice shows however the sink's upserts hide it: a real PostgreSQL, a broker,
# and Switchboard with its embedded worker as a process of its own, killed (SIGKILL) during the
# snapshot and during a stream of inserts, updates and deletes. Exits 1 if the target does not
# match the source after each phase. Figures go to bench/out/pipeline-faults.json and .md.
# Usage: bench/pipeline-faults.sh [--no-build] [--rows 30000] [--changes 6000]
set -euo pipefail
cd "$(dirname "$0")/.."

build=true
args=()
for a in "$@"; do
  if [[ "$a" == "--no-build" ]]; then build=false; else args+=("$a"); fi
done
mkdir -p bench/out
if $build; then cp=$(bash bench/classpath.sh); else cp=$(bash bench/classpath.sh --no-build); fi
exec java -Xmx1g -cp "$cp" io.switchboard.faults.PipelineFaultRun "${args[@]}"
