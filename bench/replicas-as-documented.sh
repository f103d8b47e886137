#!/usr/bin/env bash
# Runs the "Several replicas" commands of docs/operations.md as they are written (data directories
# under a temporary directory instead of /tmp/sb*), then times how long until every replica answers
# a list, and checks that a connector created through one reads the same through the others.
# Needs ports 9092, 8081 and 8083-8085 free. Prints one line of figures; --out FILE appends it there.
set -euo pipefail
cd "$(dirname "$0")/.."
out=""
if [ "${1:-}" = "--out" ]; then out="$2"; fi

work=$(mktemp -d)
block=$(awk '/^## Several replicas/{found=1} found && /^```sh/{inside=1; next} inside && /^```/{exit} inside{print}' docs/operations.md)
[ -n "$block" ] || { echo "no command block under 'Several replicas' in docs/operations.md" >&2; exit 2; }
# The build only when there is no jar yet; the list is read below, timed, rather than by the last line.
# The check's FileStream connector reads under a directory given for file connectors (they are off otherwise).
script=$(printf '%s\n' "$block" | sed -e "s#/tmp/sb#$work/sb#g" -e '/^curl /d' -e "s#-jar app/target/switchboard.jar#-jar app/target/switchboard.jar --file-connectors-dir $work/files#")
if [ -f app/target/switchboard.jar ]; then script=$(printf '%s\n' "$script" | sed '/^mvn /d'); fi

cleanup() {
  pkill -f -- "--data-dir $work/sb" 2>/dev/null || true
  sleep 2
  pkill -9 -f -- "--data-dir $work/sb" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

ms() { echo $(( $(date +%s%N) / 1000000 )); }
since() { local t=$(( $(ms) - started )); printf "%d.%d" $((t / 1000)) $((t % 1000 / 100)); }
started=$(ms)
bash -c "$script" > "$work/replicas.log" 2>&1 &
answered=""
for port in 8083 8084 8085; do
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "localhost:$port/connectors" || true)" = "200" ]; do
    if [ $(( $(ms) - started )) -gt 600000 ]; then
      echo "replica on $port did not answer a list within 600 s; log tail:" >&2
      tail -40 "$work/replicas.log" >&2
      exit 1
    fi
    sleep 0.5
  done
  answered="$answered $port=$(since)s"
done
all=$(since)

# A create is validated by the first replica's embedded worker: wait until /health says it is ready.
until [ "$(curl -s -o /dev/null -w '%{http_code}' localhost:8083/health || true)" = "200" ]; do
  if [ $(( $(ms) - started )) -gt 900000 ]; then echo "8083 never healthy" >&2; exit 1; fi
  sleep 0.5
done
healthy=$(since)
body="{\"name\":\"documented\",\"config\":{\"connector.class\":\"FileStreamSource\",\"file\":\"$work/files/documented.txt\",\"topic\":\"documented\"}}"
created=$(curl -s -o "$work/created.json" -w '%{http_code}' -H 'Content-Type: application/json' -d "$body" localhost:8083/connectors)
[ "$created" = "201" ] || echo "create through 8083 answered $created: $(cat "$work/created.json")" >&2
# A 503 "accepted, will be applied" is read until it shows, as the answer says to; at most a minute.
reads=""
for port in 8084 8085; do
  status=""
  for _ in $(seq 1 120); do
    status=$(curl -s -o /dev/null -w '%{http_code}' "localhost:$port/connectors/documented")
    [ "$status" = "200" ] && break
    sleep 0.5
  done
  reads="$reads $port=$status"
done
line="$(date -u +%FT%TZ) replicas-as-documented: every replica answered a list after ${all} s (${answered# }); 8083 healthy after ${healthy} s; create through 8083: $created; reads:$reads; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$line"
if [ -n "$out" ]; then echo "$line" >> "$out"; fi
[ "$reads" = " 8084=200 8085=200" ]
