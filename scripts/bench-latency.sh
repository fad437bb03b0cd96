#!/usr/bin/env bash
# The latency scenario of scripts/bench.sh (run it as ./scripts/bench.sh --latency): lakestream with
# trigger=processingTime:1s over an idle landing folder; 20 files of 20 events dropped one at a time, 3 s apart;
# p50/p95 of the time from each file's arrival to the end of the batch that carried it into each table.
# Arguments (--set key=value ...) go to the app.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
# Every scenario starts from one class data sharing archive (see prepare_cds) unless LAKESTREAM_CDS=off.
export LAKESTREAM_CDS=${LAKESTREAM_CDS:-on}

ensure_built
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
work=target/bench/latency
rm -rf "$work"
mkdir -p "$work/root/landing" "$work/drops"
classpath="target/classes:$(cat target/local.classpath)"
# Event times from an hour ago on, so none is ahead of the ingestion clock.
java -cp target/classes io.lakestream.tools.EventGenerator --events 400 --files 20 --seed 7 \
  --start "$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)" --out "$work/drops" >&2

start_streaming_app "$work/root" "$work/app.log" "$@" # e.g. --set key=value
sleep 10 # a few idle batches first
: > "$work/arrivals.txt"
for file in "$work"/drops/*.json; do
  land_file "$file" "$work/root/landing"
  echo "$(basename "$file") $(date +%s%3N)" >> "$work/arrivals.txt"
  sleep 3
done
sleep 20 # let the last file reach every table
kill -TERM $app
wait $app || true
trap - EXIT
echo "latency under trigger=processingTime:1s, 20 files of 20 events, local[2]:"
java @conf/spark-jvm-options -Dlog4j2.configurationFile=conf/log4j2.properties -cp "$classpath" \
  io.lakestream.tools.LatencyReport "$work/root" "$work/arrivals.txt" 2>/dev/null
