#!/usr/bin/env bash
# Where the CPU (or the allocation) of one Switchboard replica, its worker and the broker goes during
# the benchmark's rounds of pauses and resumes at concurrency 16, and only then: bench/run.sh on
# Switchboard x1 with async-profiler (--profile; not shipped, give the path of its library), then
# the share of each part of each process. Stacks go to bench/out/profile/profile/<process>.collapsed,
# the shares to bench/out/profile/summary.md.
#
# Usage: bench/profile-pauses.sh /path/to/libasyncProfiler.so [cpu|alloc] [bench/run.sh options]
# Default options: --connectors 500 --warmup 250 --warmup-rounds 2 --skip-c1
set -euo pipefail
cd "$(dirname "$0")/.."

lib=${1:?the path of libasyncProfiler.so, from async-profiler}
event=${2:-cpu}
shift $(( $# >= 2 ? 2 : 1 ))
out=bench/out/profile
options=("$@")
if [[ ${#options[@]} -eq 0 ]]; then
  options=(--connectors 500 --warmup 250 --warmup-rounds 2 --skip-c1)
fi
rm -rf "$out"
bench/run.sh "${options[@]}" --targets switchboard-1 --out "$out" --profile "$lib" --profile-event "$event"

# Each sample counts once, for the first part (in this order) whose frame is on its stack.
{
  echo "# Samples ($event) during the rounds of pauses and resumes, by part"
  echo
  echo "| process | samples | JIT compilers | GC | data plane | Streams threads | producers' I/O | HTTP (server and client) | worker's herder | other | of which: the check that the connector exists |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  for f in "$out"/profile/*.collapsed; do
    awk -v name="$(basename "$f" .collapsed)" '
      { n = $NF; total += n; part = "other"
        if ($0 ~ /CompileBroker/) part = "jit"
        else if ($0 ~ /G1|GCTask|ConcurrentGC/) part = "gc"
        else if ($0 ~ /io\/switchboard\/dataplane/) part = "dataplane"
        else if ($0 ~ /StreamThread/) part = "streams"
        else if ($0 ~ /producer\/internals\/Sender/) part = "producer"
        else if ($0 ~ /org\/eclipse\/jetty/) part = "http"
        else if ($0 ~ /DistributedHerder/) part = "herder"
        by[part] += n
        if ($0 ~ /ConnectorCore\.exists/) exists += n }
      function pct(x) { return total ? sprintf("%.1f%%", 100 * x / total) : "-" }
      END { printf "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", name, total, pct(by["jit"]), pct(by["gc"]),
              pct(by["dataplane"]), pct(by["streams"]), pct(by["producer"]), pct(by["http"]), pct(by["herder"]),
              pct(by["other"]), pct(exists) }' "$f"
  done
} > "$out/summary.md"
cat "$out/summary.md"
