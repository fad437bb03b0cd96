#!/usr/bin/env bash
# The soak scenario of scripts/bench.sh (run it as ./scripts/bench.sh --soak [--files N]): lakestream with
# trigger=processingTime:1s and maintain.interval=10min, one file of 10 events landing every second, N files
# (default 2000, so at least 2000 bronze micro-batches). Reports each query's median batch time over its first and
# last 100 batches with input, the files of each table, the size of the Delta logs and checkpoints, and the driver's
# heap after the first 100 files and at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
# Every scenario starts from one class data sharing archive (see prepare_cds) unless LAKESTREAM_CDS=off.
export LAKESTREAM_CDS=${LAKESTREAM_CDS:-on}

files=${1:-2000}
shift || true # further arguments (--set key=value ...) go to the app
ensure_built
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
work=${SOAK_WORK:-target/bench/soak}
rm -rf "$work"
mkdir -p "$work/root/landing" "$work/drops"
classpath="target/classes:$(cat target/local.classpath)"
# Event times end before now (about 6 s apart), so none is ahead of the ingestion clock.
java -cp target/classes io.lakestream.tools.EventGenerator --events $((files * 10)) --files "$files" --seed 11 \
  --start "$(date -u -d "-$((files * 70)) seconds" +%Y-%m-%dT%H:%M:%SZ)" --out "$work/drops" >&2

start_streaming_app "$work/root" "$work/app.log" --set maintain.interval=10min "$@"
heap() { jcmd "$app" GC.heap_info 2>/dev/null | grep -m1 -o 'used [0-9]*K' | grep -o '[0-9]*' || echo 0; }
started=$(date +%s)
dropped=0 heap_start=0
for file in "$work"/drops/*.json; do
  land_file "$file" "$work/root/landing"
  dropped=$((dropped + 1))
  [ "$dropped" -eq 100 ] && heap_start=$(heap)
  [ $((dropped % 200)) -eq 0 ] && echo "soak: $dropped of $files files landed after $(( $(date +%s) - started )) s" >&2
  kill -0 $app 2>/dev/null || { tail -30 "$work/app.log" >&2; exit 1; }
  sleep 1
done
sleep 30 # let the last files reach every table
heap_end=$(heap)
kill -TERM $app
wait $app || true
trap - EXIT
echo "soak under trigger=processingTime:1s, $files files of 10 events, one a second, local[2], $(( $(date +%s) - started )) s:"
java @conf/spark-jvm-options -Dlog4j2.configurationFile=conf/log4j2.properties -cp "$classpath" \
  io.lakestream.tools.SoakReport "$work/root" "$heap_start" "$heap_end" 2>/dev/null | tee "$work/report.txt"
grep -c "Maintenance pass done" "$work/app.log" | sed 's/^/background maintenance passes: /'
