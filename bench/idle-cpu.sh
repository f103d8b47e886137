#!/usr/bin/env bash
# What an idle Switchboard costs: the runnable jar on the embedded default (broker and replica in one
# JVM, the Connect worker in a child process of its own; a fresh data dir), left alone to settle, then
# the CPU each of their threads used over a window, read from /proc/<pid>/task/*/stat of the replica
# and of the processes below it, and summed by thread name (digits folded; the worker's prefixed "worker:"). Figures go to
# bench/out/idle-cpu.md. The JIT compilers' share is listed apart: it is warm-up, not idle work.
# Usage: bench/idle-cpu.sh [--settle-s 120] [--window-s 60] [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."
settle=120; window=60; build=true
while [[ $# -gt 0 ]]; do
  case "$1" in
    --settle-s) settle=$2; shift 2 ;;
    --window-s) window=$2; shift 2 ;;
    --no-build) build=false; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if $build || [[ ! -f app/target/switchboard.jar ]]; then mvn -B -q -DskipTests package -pl app -am >&2; fi
mkdir -p bench/out
data=$(mktemp -d)
base=$((20000 + RANDOM % 20000))
java -jar app/target/switchboard.jar --data-dir "$data/data" --port "$base" --kafka-port $((base + 1)) --schema-registry-port $((base + 2)) \
  > "$data/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
sleep "$settle"
# The replica and every process below it: the worker runs under unshare (its wall), so it is a grandchild.
descendants() { local c; for c in $(pgrep -P "$1"); do echo "$c"; descendants "$c"; done; }
ticks() {
  for p in $pid $(descendants "$pid"); do
    prefix=""; [[ $p != "$pid" ]] && prefix="worker:"
    for t in /proc/$p/task/*; do
      s=$(cat "$t/stat" 2>/dev/null) || continue
      name=${s#*(}; name=${name%)*}; rest=${s##*) }
      echo "$(basename "$t") $(awk '{print $12 + $13}' <<< "$rest") ${prefix}${name// /_}"
    done
  done; }
ticks > "$data/a"; sleep "$window"; ticks > "$data/b"
hz=$(getconf CLK_TCK)
{
  echo "# An idle replica's CPU (\`bench/idle-cpu.sh\`, $(date -u +%FT%TZ), settled ${settle} s, window ${window} s)"
  echo
  echo "| threads | CPU-s per minute |"
  echo "|---|---|"
  awk -v hz="$hz" -v w="$window" 'NR==FNR { a[$1]=$2; next }
    { d = $2 - ($1 in a ? a[$1] : 0); n = $3; gsub(/[0-9]+/, "N", n); by[n] += d; total += d; if (n ~ /CompilerThre/) jit += d }
    END { for (n in by) if (by[n] > 0) printf "| %s | %.2f |\n", n, by[n] / hz * 60 / w | "sort -t\"|\" -k3 -rn";
          close("sort -t\"|\" -k3 -rn");
          printf "| **all, the JIT left out** | **%.2f** |\n| the JIT compilers | %.2f |\n", (total - jit) / hz * 60 / w, jit / hz * 60 / w }' \
    "$data/a" "$data/b"
} > bench/out/idle-cpu.md
cat bench/out/idle-cpu.md
