#!/usr/bin/env bash
# Builds the benchmark programs and the modules they run, and prints their class path (the bench
# module's classes first, then every module and library it depends on, resolved in the reactor to
# the modules' build directories, so nothing is installed). With --jar, the runnable jar too.
# Usage: cp=$(bench/classpath.sh [--jar | --no-build]); --no-build reuses the last build when there is one and no
# pom.xml changed since.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
phase=test-compile
if [[ "${1:-}" == "--jar" ]]; then phase=package; fi
# A pom changed since the class path was written (a module added, a dependency changed): it is stale, so build.
stale=""
if [[ -f bench/out/classpath.txt ]]; then
  stale=$(find . -name pom.xml -not -path '*/target/*' -newer bench/out/classpath.txt | head -1)
fi
if [[ "${1:-}" == "--no-build" && -f bench/out/classpath.txt && -d bench/target/classes && -z "$stale" ]]; then
  echo "$PWD/bench/target/classes:$(cat bench/out/classpath.txt)"
  exit 0
fi
# test-compile, not compile: the server tests against core's test jar, which the reactor resolves to core's test classes only
# once they are compiled. package also builds the jar of every module bench depends on; their classes directories are used either way.
mvn -B -q -DskipTests -pl bench -am "$phase" dependency:build-classpath -Dmdep.outputFile="$PWD/bench/out/classpath.txt" >&2
echo "$PWD/bench/target/classes:$(cat bench/out/classpath.txt)"
