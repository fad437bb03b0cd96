#!/usr/bin/env bash
# The latency scenario of scripts/bench.sh (run it as ./scripts/bench.sh --latency): lakestream with
# trigger=processingTime:1s over an idle landing folder; 20 files of 20 events dropped one at a time, 3 s apart;
# p50/p95 of the time from each file's arrival to the end of the batch that carried it into each table.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

ensure_built
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
work=target/bench/latency
rm -rf "$work"
mkdir -p "$work/root/landing" "$work/drops"
classpath="target/classes:$(cat target/local.classpath)"
# Event times from an hour ago on, so none is ahead of the ingestion clock.
java -cp target/classes io.lakestream.tools.EventGenerator --events 400 --files 20 --seed 7 \
  --start "$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)" --out "$work/drops" >&2

# shellcheck disable=SC2086 # LAKESTREAM_JAVA_OPTS is a list of JVM options
java @conf/spark-jvm-options -Dlog4j2.configurationFile=conf/log4j2.properties ${LAKESTREAM_JAVA_OPTS:-} -cp "$classpath" \
  io.lakestream.app.LakestreamApp --config conf/local.properties --set master=local[2] \
  --set "volume.root=$work/root" --set trigger=processingTime:1s > "$work/app.log" 2>&1 &
app=$!
trap 'kill -TERM $app 2>/dev/null || true' EXIT
for _ in $(seq 1 180); do
  [ "$(grep -c 'ProgressLog - Query .* started' "$work/app.log" || true)" -ge 5 ] && break
  kill -0 $app 2>/dev/null || { tail -30 "$work/app.log" >&2; exit 1; }
  sleep 1
done
sleep 10 # a few idle batches first
: > "$work/arrivals.txt"
for file in "$work"/drops/*.json; do
  name=$(basename "$file")
  cp "$file" "$work/root/landing/.$name.tmp"
  mv "$work/root/landing/.$name.tmp" "$work/root/landing/$name" # arrives whole, at one instant
  echo "$name $(date +%s%3N)" >> "$work/arrivals.txt"
  sleep 3
done
sleep 20 # let the last file reach every table
kill -TERM $app
wait $app || true
trap - EXIT
echo "latency under trigger=processingTime:1s, 20 files of 20 events, local[2]:"
java @conf/spark-jvm-options -Dlog4j2.configurationFile=conf/log4j2.properties -cp "$classpath" \
  io.lakestream.tools.LatencyReport "$work/root" "$work/arrivals.txt" 2>/dev/null
