#!/usr/bin/env bash
# Throughput of lakestream on generated data: local[2], trigger=availableNow, a fresh volume per scenario.
#   ./scripts/benchmark.sh [events] [files] [files-per-trigger]      (default 1000000 100 1000)
# Scenarios: the whole pipeline and ingest alone (pipeline.stop_after=bronze), each with the quality rules,
# quarantine and rescued data on, then off. Prints events/s per scenario, measured by the app from the start
# of the pipeline to the end of the last query (JVM and Spark start-up excluded), and the JVM's peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

events=${1:-1000000}
files=${2:-100}
per_trigger=${3:-1000}
work=${BENCH_DIR:-target/benchmark}
input="$work/input-$events-$files-v2"

ensure_built
if [ ! -d "$input" ]; then
  java -cp target/classes io.lakestream.tools.EventGenerator --events "$events" --files "$files" --seed 42 \
    --duplicate-rate 0.05 --late-rate 0.03 --malformed-rate 0.01 --start 2026-01-01T00:00:00Z --out "$input" >&2
fi
bytes=$(du -sb "$input" | cut -f1)

run_scenario() {
  local name=$1
  shift
  local root="$work/run-$name"
  rm -rf "$root"
  mkdir -p "$root/landing"
  cp "$input"/*.json "$root/landing/"
  local log="$work/$name.log"
  /usr/bin/time -f "%M" -o "$work/$name.rss" \
    java @conf/spark-jvm-options -Dlog4j2.configurationFile=conf/log4j2.properties ${LAKESTREAM_JAVA_OPTS:-} \
    -cp "target/classes:$(cat target/local.classpath)" io.lakestream.app.LakestreamApp \
    --config conf/local.properties --set master=local[2] --set "volume.root=$root" \
    --set "ingest.max_files_per_trigger=$per_trigger" "$@" > "$log" 2>&1 || { tail -30 "$log" >&2; return 1; }
  local seconds
  seconds=$(sed -n 's/^lakestream run finished in \([0-9.]*\) s$/\1/p' "$log")
  printf '%-36s %8s s %10.0f events/s %8.1f MB/s  peak RSS %5d MB\n' "$name" "$seconds" \
    "$(echo "$events / $seconds" | bc -l)" "$(echo "$bytes / 1048576 / $seconds" | bc -l)" "$(( $(cat "$work/$name.rss") / 1024 ))"
}

export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
echo "lakestream benchmark: $events events, $files files ($((bytes / 1048576)) MB), $per_trigger files per trigger, local[2]"
off=(--set quality.enabled=false --set ingest.rescue_unknown_fields=false)
run_scenario ingest-only --set pipeline.stop_after=bronze
run_scenario ingest-only-quality-rescue-off --set pipeline.stop_after=bronze "${off[@]}"
run_scenario whole-pipeline
run_scenario whole-pipeline-quality-rescue-off "${off[@]}"
