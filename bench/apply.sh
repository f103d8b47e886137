#!/usr/bin/env bash
# Connectors as code against direct calls: N connectors made on a Kafka Connect 4.3.1 worker by N
# PUT /connectors/{name}/config sent one at a time, and the same N applied to Switchboard (one replica
# in front of a worker of the same kind) from files by the command line's code (plan with dry_run,
# then apply with If-Match), then applied again through `java -jar switchboard.jar apply`. Per side:
# time until answered (decided) and until all RUNNING on the worker, records written per topic, CPU
# seconds of each process; the broker's produce round trip as the floor. Every part is a JVM of its
# own. Figures go to bench/out/apply.json and apply.md; logs to bench/out/apply-logs/.
# Usage: bench/apply.sh [--no-build] [--connectors 500] [--runs 1] [--running-timeout-s 600] [--settle-s 60] [--count-after-s 65]
set -euo pipefail
cd "$(dirname "$0")/.."

build=true
args=()
for a in "$@"; do
  if [[ "$a" == "--no-build" ]]; then build=false; else args+=("$a"); fi
done

mkdir -p bench/out
# Switchboard's replica and the re-apply run from the runnable jar, so the jar is built too.
if $build || [[ ! -f app/target/switchboard.jar ]]; then cp=$(bash bench/classpath.sh --jar); else cp=$(bash bench/classpath.sh --no-build); fi

exec java -cp "$cp" io.switchboard.bench.ApplyBenchmark "${args[@]}"
