#!/usr/bin/env bash
# What a scrape of the per-connector health series costs: a broker and a replica (each a JVM of its
# own, the replica as users run it), the lifecycle events of N connectors in a few clusters written
# to the lifecycle topic, then GET /metrics/connectors as Prometheus sends it (a viewer's
# credentials, with Accept-Encoding: gzip and without): time to first byte and total, bytes on the
# wire and decoded, series, the replica's CPU per scrape, its RSS; then the same replica restarted
# with --health-max-connectors M. Figures go to bench/out/scrape.json and .md.
# With --policies P: GET /metrics instead, at N connectors' states (created on the command topic) with
# no policy, on the first scrape after P policies are put and on scrapes --interval-s apart after it
# (the replica's CPU per scrape); figures in bench/out/policy-scrape.json and .md.
# Usage: bench/scrape.sh [--no-build] [--connectors 10000] [--clusters 3] [--scrapes 10] [--warmups 3]
#                        [--bounded 1000] [--jvm-opts "-Xmx512m -XX:+ExitOnOutOfMemoryError"] [--jfr true]
#        bench/scrape.sh [--no-build] --policies 50 [--connectors 10000] [--scrapes 5] [--warmups 3] [--interval-s 35]
#                        [--jvm-opts "-Xmx1g"]
set -euo pipefail
cd "$(dirname "$0")/.."
build=
args=()
for a in "$@"; do
  if [[ "$a" == "--no-build" ]]; then build=--no-build; else args+=("$a"); fi
done
# Built in one reactor, so the modules' own classes are used, not what a local repository holds.
mkdir -p bench/out
cp=$(bash bench/classpath.sh $build)
exec java -Xmx1g -cp "$cp" io.switchboard.bench.ScrapeBenchmark "${args[@]}"
