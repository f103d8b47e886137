#!/usr/bin/env bash
# The web console with many connectors: server time to first byte, total time and bytes of the
# overview page, its table fragment and the event stream's opening; the time from an observation
# to its event at an event-stream client and in headless Chromium; and, for comparison, Kafka
# Connect's GET /connectors?expand=status&expand=info against a real worker; and the least-healthy-first
# fragment cold, right after a status change (--cold-reps times, --reps by default; --cold-profile N
# more under a flight recording of the replica, bench/out/console-logs/cold-health.jfr). Figures go to
# bench/out/console.json and .md.
# Usage: bench/console.sh [--connectors 10000] [--reps 20] [--changes 50] [--worker-connectors 1000]
#                         [--browser true|false] [--cold-reps R] [--cold-profile 0] [--jvm-opts "-Xmx384m"]
set -euo pipefail
cd "$(dirname "$0")/.."
# Built in one reactor, so the modules' own classes are used, not what a local repository holds.
mkdir -p bench/out
cp=$(bash bench/classpath.sh)
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 java -Xmx1g -cp "$cp" \
  io.switchboard.bench.ConsoleBenchmark "$@"
