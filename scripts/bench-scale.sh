#!/usr/bin/env bash
# The scale scenario of scripts/bench.sh (./scripts/bench.sh --scale [--files N]): N files of 10 events (default
# 200000), landed in ten waves so that landing never holds them all, ingested by one bronze run under
# trigger=processingTime:1s with ingest.max_files_per_trigger=1000 (SCALE_FILES_PER_TRIGGER). After each wave is
# taken it records the driver's heap after a full GC and the size of the bronze checkpoint, of its file-source log
# (sources/0) and of that log's newest compact file; at the end a class histogram of the driver. Then reports the
# files per second over the whole run and, from the app's per-batch log lines (scripts/scale-report.sh), each step
# of a batch over the first and the last 10 % of batches.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
export LAKESTREAM_CDS=${LAKESTREAM_CDS:-on}

files=${1:-200000}
shift || true # further arguments (--set key=value ...) go to the app
per_trigger=${SCALE_FILES_PER_TRIGGER:-1000}
waves=10
ensure_built
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
work=${SCALE_WORK:-target/bench/scale}
drops="target/bench/scale-input-$files"
rm -rf "$work"
mkdir -p "$work/root/landing"
classpath="target/classes:$(cat target/local.classpath)"
if [ ! -d "$drops" ]; then
  java -cp target/classes io.lakestream.tools.EventGenerator --events $((files * 10)) --files "$files" --seed 13 \
    --start "$(date -u -d "-$((files * 70)) seconds" +%Y-%m-%dT%H:%M:%SZ)" --out "$drops.tmp" >&2
  mv "$drops.tmp" "$drops"
fi
# The waves: the generated files split into ten folders of hard links, moved into landing one folder at a time
# (a rename per file, so every file lands whole).
find "$drops" -name '*.json' | sort > "$work/all.txt"
split -n l/$waves -d -a 1 "$work/all.txt" "$work/wave-"
for wave in $(seq 0 $((waves - 1))); do
  mkdir -p "$work/waves/$wave"
  xargs -a "$work/wave-$wave" ln -t "$work/waves/$wave" 2>/dev/null || xargs -a "$work/wave-$wave" cp -t "$work/waves/$wave"
done

# shellcheck disable=SC2086 # java_opts is a list of JVM options
java @conf/spark-jvm-options -Dlog4j2.configurationFile=conf/log4j2.properties $java_opts -cp "$classpath" \
  io.lakestream.app.LakestreamApp --config conf/local.properties --set master=local[2] \
  --set "volume.root=$work/root" --set trigger=processingTime:1s --set pipeline.stop_after=bronze \
  --set "ingest.max_files_per_trigger=$per_trigger" "$@" > "$work/app.log" 2>&1 &
app=$!
trap 'kill -TERM $app 2>/dev/null || true' EXIT
for _ in $(seq 1 180); do
  grep -q 'ProgressLog - Query bronze_events started' "$work/app.log" && break
  kill -0 "$app" 2>/dev/null || { tail -30 "$work/app.log" >&2; exit 1; }
  sleep 1
done

landing="$work/root/landing"
checkpoint="$work/root/checkpoints/bronze_events"
waiting() { find "$landing" -name '*.json' | wc -l; }
measure() { # files taken so far -> one line of figures
  # The live heap: a class histogram forces a full GC and totals what survives it (GC.heap_info's "used" after
  # GC.run still counted regions not yet reclaimed).
  local heap compact histogram="$work/histogram-$1.txt"
  jcmd "$app" GC.class_histogram > "$histogram" 2>/dev/null || true
  heap=$(awk '/^Total/ {print int($3 / 1024)}' "$histogram")
  [ -n "${SCALE_HISTOGRAMS:-}" ] || rm -f "$histogram"
  # The file source's log: in the checkpoint, or in the newest log since ingest.source_log_max_size.
  local log
  log=$(find "$checkpoint" -type d -path '*sources/0' 2>/dev/null | sort | tail -1)
  compact=$(find "${log:-$checkpoint}" -name '*.compact' -printf '%T@ %s\n' 2>/dev/null | sort -n | tail -1 | cut -d' ' -f2)
  echo "$1 $(( $(date +%s) - started )) $(( ${heap:-0} / 1024 )) $(du -sk "$checkpoint" | cut -f1) $( [ -n "$log" ] && du -sk "$log" | cut -f1 || echo 0) $(( ${compact:-0} / 1024 ))" >> "$work/growth.txt"
}
: > "$work/growth.txt"
started=$(date +%s)
taken=0
for wave in $(seq 0 $((waves - 1))); do
  find "$work/waves/$wave" -name '*.json' -exec mv -t "$landing/" {} +
  count=$(waiting)
  # Wait until the wave is taken: at most one trigger's worth still waiting, then land the next.
  until [ "$(waiting)" -le "$per_trigger" ]; do
    kill -0 $app 2>/dev/null || { tail -30 "$work/app.log" >&2; exit 1; }
    sleep 1
  done
  taken=$(( (wave + 1) * files / waves - $(waiting) ))
  measure "$taken"
  echo "scale: wave $((wave + 1)) of $waves landed ($count files), $taken files taken after $(( $(date +%s) - started )) s" >&2
done
until [ "$(waiting)" -eq 0 ]; do sleep 1; done
sleep 5
elapsed=$(( $(date +%s) - started ))
measure "$files"
jcmd "$app" GC.class_histogram 2>/dev/null > "$work/histogram-full.txt" || true
head -18 "$work/histogram-full.txt" > "$work/histogram.txt"
kill -TERM $app
wait $app || true
trap - EXIT

echo "scale: $files files of 10 events in ten waves, bronze under processingTime:1s, max_files_per_trigger=$per_trigger, local[2]:"
echo "  $files files in $elapsed s: $(( files / (elapsed > 0 ? elapsed : 1) )) files/s"
echo "  after each wave: files taken, seconds, live heap after a full GC (MB), bronze checkpoint (KB), sources/0 (KB), newest compact (KB)"
sed 's/^/    /' "$work/growth.txt"
scripts/scale-report.sh "$work/app.log"
echo "  driver class histogram at the end (top 15):"
sed -n '3,18p' "$work/histogram.txt" | sed 's/^/    /'
