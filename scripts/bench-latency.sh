#!/usr/bin/env bash
# The latency scenario of scripts/bench.sh (run it as ./scripts/bench.sh --latency): lakestream with
# trigger=processingTime:1s over an idle landing folder; 20 files of 20 events dropped one at a time, 3 s apart;
# p50/p95 of the time from each file's arrival to the end of the batch that carried it into each table.
# LATENCY_LOAD=1 instead lands 10 files of 100 events every second for LATENCY_SECONDS (600) and counts Spark's
# "falling behind" warnings. Arguments (--set key=value ...) go to the app.
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
# Event times from the past on, so none is ahead of the ingestion clock.
load=${LATENCY_LOAD:-}
seconds=${LATENCY_SECONDS:-600}
# (The generator spaces events 6 s apart on average: the load's events start that far back.)
if [ -n "$load" ]; then files=$((seconds * 10)) events=$((seconds * 1000)) back=$((seconds * 7000)); else
  files=20 events=400 back=3600
fi
java -cp target/classes io.lakestream.tools.EventGenerator --events "$events" --files "$files" --seed 7 \
  --start "$(date -u -d "-$back seconds" +%Y-%m-%dT%H:%M:%SZ)" --out "$work/drops" >&2

start_streaming_app "$work/root" "$work/app.log" "$@" # e.g. --set key=value
sleep 10 # a few idle batches first
: > "$work/arrivals.txt"
if [ -n "$load" ]; then
  # Ten files at the start of every second, on the wall clock's second.
  mapfile -t drops < <(find "$work/drops" -name '*.json' | sort)
  for ((second = 0; second < seconds; second++)); do
    for file in "${drops[@]:$((second * 10)):10}"; do
      land_file "$file" "$work/root/landing"
      echo "$(basename "$file") $(date +%s%3N)" >> "$work/arrivals.txt"
    done
    sleep "0.$(printf '%03d' $((1000 - $(date +%s%3N) % 1000)))" 2>/dev/null || sleep 1
  done
else
  for file in "$work"/drops/*.json; do
    land_file "$file" "$work/root/landing"
    echo "$(basename "$file") $(date +%s%3N)" >> "$work/arrivals.txt"
    sleep 3
  done
fi
sleep 20 # let the last file reach every table
kill -TERM $app
wait $app || true
trap - EXIT
# The trigger the run had: the last --set trigger=... given, else the scenario's own.
trigger=processingTime:1s
for arg in "$@"; do case "$arg" in trigger=*) trigger=${arg#trigger=} ;; esac; done
if [ -n "$load" ]; then
  echo "latency under trigger=$trigger, 10 files of 100 events a second for $seconds s, local[2]:"
  echo "  Spark's \"falling behind\" warnings: $(grep -c 'falling behind' "$work/app.log" || true)"
else
  echo "latency under trigger=$trigger, 20 files of 20 events, local[2]:"
fi
java @conf/spark-jvm-options -Dlog4j2.configurationFile=conf/log4j2.properties -cp "$classpath" \
  io.lakestream.tools.LatencyReport "$work/root" "$work/arrivals.txt" 2>/dev/null
