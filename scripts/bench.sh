#!/usr/bin/env bash
# Side-by-side benchmark on the same generated files, local[2], each run its own JVM, wall time of the whole
# process (JVM and Spark start included), scenarios alternating, repeated; medians with min-max.
#
#   ./scripts/bench.sh [--events N] [--files F] [--batches B] [--runs R] [--only a,b,...] [--gzip] [--json] [--latency | --soak | --scale] [--set key=value]
#       defaults: 1000000 events in 100 files, N-batch scenarios in 10 micro-batches, 3 runs
#
# Scenarios (--only takes their names):
#   batch-ingest       plain Spark batch job: read JSON with the schema + source file + ingest time -> Delta
#   batch-pipeline     the whole pipeline's work as one batch job (dedup, windows, totals, sessions)
#   tutorial-1         the tutorials' stream, readStream.json -> Delta, availableNow, one micro-batch
#   tutorial-N         the same in B micro-batches (maxFilesPerTrigger = F / B)
#   bronze-1, bronze-N lakestream, pipeline.stop_after=bronze, one / B micro-batches
#   pipeline-1, pipeline-N  lakestream, the whole pipeline, one / B micro-batches per layer
#   silver-1, silver-1-plain  lakestream up to silver, one micro-batch per layer, with enrichment (as
#                      conf/local.properties) and without (enrich.enabled=false): the difference is what the users
#                      reference join costs the silver batch
# Every job gets the same Spark settings: the spark.* lines of conf/local.properties.
#
# --latency instead runs lakestream with trigger=processingTime:1s over an idle landing folder, drops 20 files
# of 20 events one at a time, and reports p50/p95 of the time from a file's arrival to the end of the batch
# that carried it into each table (from pipeline_progress). LATENCY_LOAD=1 lands 10 files of 100 events every
# second for 10 minutes instead (scripts/bench-latency.sh). --set key=value goes to the app of --latency and --scale
# (e.g. --set trigger=processingTime:100ms, --set ingest.source_log_max_size=8m).
#
# --soak instead runs lakestream with trigger=processingTime:1s and maintain.interval=10min while one file of 10
# events lands every second (--files of them, default 2000), and reports each query's batch time at the start and
# at the end, the files per table, the Delta logs' and checkpoints' size and the driver's heap.
#
# --scale instead lands --files small files (default 200000) in ten waves into one bronze run under
# processingTime:1s and reports files/s, each batch step's median over the first and last 10 % of batches, and
# after each wave the driver's live heap and the size of the checkpoint and of its file-source log
# (scripts/bench-scale.sh).
#
# Prints a table (events/s, MB/s, ratios, fixed cost per micro-batch, peak RSS, CPU seconds) and writes JSON under
# target/bench/. Generated input is cached in target/bench/input-<events>-<files> (with --gzip, gzipped copies in
# input-<events>-<files>-gz, which every scenario reads instead; MB/s is then of the compressed bytes; with --json,
# each file as one JSON array in input-<events>-<files>-json, read by lakestream with ingest.format=json and by the
# baselines with Spark's multiLine reader).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
# Every scenario starts from one class data sharing archive (see prepare_cds) unless LAKESTREAM_CDS=off.
export LAKESTREAM_CDS=${LAKESTREAM_CDS:-on}

events=1000000 files=100 batches=10 runs=3 only="" latency=false soak=false files_given=false gzip=false json=false scale=false
app_args=() # --set key=value for the app of --latency and --scale
while [ $# -gt 0 ]; do
  case "$1" in
    --events) events=$2; shift 2 ;;
    --files) files=$2; files_given=true; shift 2 ;;
    --batches) batches=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --gzip) gzip=true; shift ;;
    --json) json=true; shift ;;
    --latency) latency=true; shift ;;
    --soak) soak=true; shift ;;
    --scale) scale=true; shift ;;
    --set) app_args+=(--set "$2"); shift 2 ;;
    -h|--help) sed -n '2,/^[^#]/p' "$0" | grep '^#'; exit 0 ;;
    *) echo "unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

if $latency; then
  exec scripts/bench-latency.sh "${app_args[@]}"
fi
if $scale; then
  if $files_given; then scale_files=$files; else scale_files=200000; fi
  exec scripts/bench-scale.sh "$scale_files" "${app_args[@]}"
fi
if $soak; then
  if $files_given; then exec scripts/bench-soak.sh "$files"; else exec scripts/bench-soak.sh; fi
fi
work=target/bench
mkdir -p "$work"
ensure_built
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
prepare_cds record
if [[ "$cds_opts" == *ArchiveClassesAtExit* ]]; then
  # The class archive is recorded by a run of its own (the whole pipeline on the sample data), not by a timed one.
  rm -rf "$work/cds-training" && mkdir -p "$work/cds-training/landing" && cp sample-data/*.json "$work/cds-training/landing/"
  # shellcheck disable=SC2086 # java_opts and cds_opts are lists of JVM options
  java @conf/spark-jvm-options -Dlog4j2.configurationFile=conf/log4j2.properties $java_opts $cds_opts \
    -cp "$app_classpath" io.lakestream.app.LakestreamApp --config conf/local.properties --set master=local[2] \
    --set "volume.root=$work/cds-training" > "$work/cds-training.log" 2>&1 \
    || { discard_recorded_cds; echo "the class-recording run failed (see $work/cds-training.log); timing without the archive" >&2; }
  prepare_cds  # takes the recorded archive; no timed run records one
fi
classpath=$app_classpath
# Every scenario, the baselines too, runs with the same JVM options (scripts/lib.sh: java_opts, and the class data
# sharing archive of prepare_cds).
# shellcheck disable=SC2086 # java_opts and cds_opts are lists of JVM options
java_cmd=(java @conf/spark-jvm-options -Dlog4j2.configurationFile=conf/log4j2.properties $java_opts $cds_opts)

# Event times start in 2020 (5 M events span about a year), so they end in the past on any day the benchmark runs:
# none is quarantined as too far in the future (quality.max_future_skew), and every run of a size does the same work.
# A cached input made with other arguments is made again, and its gzip/json copies with it.
generator_args=(--events "$events" --files "$files" --seed 42 --duplicate-rate 0.05 --late-rate 0.03
  --malformed-rate 0.01 --start 2020-01-01T00:00:00Z)
input="$work/input-$events-$files"
if [ ! -d "$input" ] || [ "$(cat "$input/.generator-args" 2>/dev/null)" != "${generator_args[*]}" ]; then
  rm -rf "$input" "$input-json" "$input-gz" "$input-json-gz"
  java -cp target/classes io.lakestream.tools.EventGenerator "${generator_args[@]}" --out "$input" >&2
  echo "${generator_args[*]}" > "$input/.generator-args"
fi
suffix=""
lakestream_format=()
baseline_props=()
if $json; then
  suffix="-json"
  # The same events as JSON documents: each file one array of objects, one per line (lines that are not a
  # JSON object dropped, as an array cannot hold them). lakestream reads them with ingest.format=json, the
  # baselines with Spark's multiLine reader.
  if [ ! -d "$input-json" ]; then
    mkdir -p "$input-json.tmp"
    for file in "$input"/*.json; do
      awk 'BEGIN { print "[" } /^\{.*\}$/ { if (n++) print previous ","; previous = $0 } END { if (n) print previous; print "]" }' \
        "$file" > "$input-json.tmp/$(basename "$file")"
    done
    mv "$input-json.tmp" "$input-json"
  fi
  input="$input-json"
  lakestream_format=(--set ingest.format=json)
  baseline_props=(-Dlakestream.baseline.multiLine=true)
fi
if $gzip; then
  suffix="$suffix-gz"
  # The same files gzipped (.json.gz): every scenario reads them through Hadoop's gzip codec.
  if [ ! -d "$input-gz" ]; then
    mkdir -p "$input-gz.tmp"
    for file in "$input"/*.json; do gzip -c "$file" > "$input-gz.tmp/$(basename "$file").gz"; done
    mv "$input-gz.tmp" "$input-gz"
  fi
  input="$input-gz"
fi
bytes=$(du -sb "$input" | cut -f1)
per_trigger=$(( (files + batches - 1) / batches ))

lakestream=("${java_cmd[@]}" -cp "$classpath" io.lakestream.app.LakestreamApp --config conf/local.properties --set master=local[2] "${lakestream_format[@]}")
baseline=("${java_cmd[@]}" "${baseline_props[@]}" -cp "$classpath" io.lakestream.tools.BaselineJobs)

# Runs one scenario once, in a fresh folder; appends "<scenario> <seconds> <peak RSS KB> <user CPU s> <system CPU s>"
# to the results.
run_once() {
  local name=$1 out="$work/run-$1"
  rm -rf "$out"
  mkdir -p "$out/landing"
  case "$name" in
    bronze-*|pipeline-*|silver-*) cp "$input"/* "$out/landing/" ;;
  esac
  local cmd
  case "$name" in
    batch-ingest) cmd=("${baseline[@]}" batch-ingest "$input" "$out" conf/local.properties) ;;
    batch-pipeline) cmd=("${baseline[@]}" batch-pipeline "$input" "$out" conf/local.properties) ;;
    tutorial-1) cmd=("${baseline[@]}" tutorial-stream "$input" "$out" conf/local.properties "$files") ;;
    tutorial-N) cmd=("${baseline[@]}" tutorial-stream "$input" "$out" conf/local.properties "$per_trigger") ;;
    bronze-1) cmd=("${lakestream[@]}" --set "volume.root=$out" --set "ingest.max_files_per_trigger=$files" --set pipeline.stop_after=bronze) ;;
    bronze-N) cmd=("${lakestream[@]}" --set "volume.root=$out" --set "ingest.max_files_per_trigger=$per_trigger" --set pipeline.stop_after=bronze) ;;
    pipeline-1) cmd=("${lakestream[@]}" --set "volume.root=$out" --set "ingest.max_files_per_trigger=$files") ;;
    pipeline-N) cmd=("${lakestream[@]}" --set "volume.root=$out" --set "ingest.max_files_per_trigger=$per_trigger") ;;
    silver-1) cmd=("${lakestream[@]}" --set "volume.root=$out" --set "ingest.max_files_per_trigger=$files" --set pipeline.stop_after=silver) ;;
    silver-1-plain) cmd=("${lakestream[@]}" --set "volume.root=$out" --set "ingest.max_files_per_trigger=$files" --set pipeline.stop_after=silver --set enrich.enabled=false) ;;
    *) echo "unknown scenario $name" >&2; exit 2 ;;
  esac
  local start end
  start=$(date +%s.%N)
  if ! /usr/bin/time -f "%M %U %S" -o "$out.rss" "${cmd[@]}" > "$out.log" 2>&1; then
    echo "scenario $name failed; last lines of $out.log:" >&2
    tail -20 "$out.log" >&2
    exit 1
  fi
  end=$(date +%s.%N)
  echo "$name $(echo "$end - $start" | bc -l) $(tail -1 "$out.rss")" >> "$results"
}

scenarios=(batch-ingest tutorial-1 bronze-1 tutorial-N bronze-N batch-pipeline pipeline-1 pipeline-N silver-1 silver-1-plain)
if [ -n "$only" ]; then
  IFS=, read -r -a scenarios <<< "$only"
fi
results="$work/results-$events-$files$suffix.txt"
: > "$results"
echo "lakestream bench: $events events in $files files ($((bytes / 1048576)) MB), N = $batches micro-batches" \
  "($per_trigger files each), $runs runs, local[2], $(nproc) cores" >&2
for run in $(seq 1 "$runs"); do
  # Alternate the order between runs, so no scenario always follows the same neighbour.
  order=("${scenarios[@]}")
  if (( run % 2 == 0 )); then
    order=(); for (( i=${#scenarios[@]}-1; i>=0; i-- )); do order+=("${scenarios[$i]}"); done
  fi
  for name in "${order[@]}"; do
    run_once "$name"
    echo "  run $run: $(tail -1 "$results")" >&2
  done
done

# Median, min and max per scenario; ratios against the batch ceiling and the tutorial stream.
awk -v events="$events" -v bytes="$bytes" -v batches="$batches" -v json="$work/results-$events-$files$suffix.json" \
    -v machine="$(uname -srm), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)" '
  { t[$1] = t[$1] " " $2; c[$1] = c[$1] " " ($4 + $5); if ($3 > rss[$1]) rss[$1] = $3
    if (!($1 in order)) { order[$1] = ++n; name[n] = $1 } }
  function median(list,   a, k, i, j, tmp) {
    k = split(list, a, " ")
    for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { tmp = a[i]; a[i] = a[j]; a[j] = tmp }
    lo = a[1]; hi = a[k]
    return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
  }
  END {
    for (i = 1; i <= n; i++) { s = name[i]; cpu[s] = median(c[s]); med[s] = median(t[s]); mn[s] = lo; mx[s] = hi }
    printf "\n%-15s %8s %15s %12s %9s %11s %11s %9s %8s %8s\n", "scenario", "median", "min-max (s)", "events/s", "MB/s", "vs batch", "vs tutorial", "RSS MB", "CPU s", "CPU/wall"
    printf "{\"events\": %d, \"bytes\": %d, \"batches\": %d, \"machine\": \"%s\", \"scenarios\": [", events, bytes, batches, machine > json
    for (i = 1; i <= n; i++) {
      s = name[i]
      ceiling = (s ~ /pipeline/) ? med["batch-pipeline"] : med["batch-ingest"]
      tut = (s ~ /-N$/) ? med["tutorial-N"] : med["tutorial-1"]
      vb = ceiling ? sprintf("%.2f", ceiling / med[s]) : "-"
      vt = (tut && s ~ /^(bronze|tutorial)/) ? sprintf("%.2f", tut / med[s]) : "-"
      printf "%-15s %7.1fs %7.1f-%-7.1f %12.0f %9.1f %11s %11s %9d %8.1f %8.2f\n", s, med[s], mn[s], mx[s], events / med[s], bytes / 1048576 / med[s], vb, vt, rss[s] / 1024, cpu[s], cpu[s] / med[s]
      printf "%s{\"scenario\": \"%s\", \"median_s\": %.2f, \"min_s\": %.2f, \"max_s\": %.2f, \"events_per_s\": %.0f, \"peak_rss_mb\": %d, \"median_cpu_s\": %.1f}", (i > 1 ? ", " : ""), s, med[s], mn[s], mx[s], events / med[s], rss[s] / 1024, cpu[s] > json
    }
    printf "]}\n" > json
    if (med["bronze-N"] && med["bronze-1"] && batches > 1)
      printf "\nfixed cost per micro-batch: lakestream bronze %.2f s", (med["bronze-N"] - med["bronze-1"]) / (batches - 1)
    if (med["tutorial-N"] && med["tutorial-1"] && batches > 1)
      printf ", tutorial stream %.2f s", (med["tutorial-N"] - med["tutorial-1"]) / (batches - 1)
    if (med["silver-1"] && med["silver-1-plain"])
      printf "\nenrichment (users reference join) in the silver micro-batch: %+.2f s", med["silver-1"] - med["silver-1-plain"]
    printf "\nwall time of each process, JVM and Spark start included; CPU s: user + system CPU of the process (median),"
    printf "\nCPU/wall: how many of the cores it kept busy; JSON in %s\n", json
  }' "$results"
