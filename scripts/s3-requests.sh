#!/usr/bin/env bash
# Counts the S3 requests of lakestream and of the tutorial stream (readStream.json -> Delta) side by side, on the
# same sample files and the same in-JVM S3 server (s3proxy, in memory, 127.0.0.1; what run-s3.sh starts), from S3A's
# own counters. Prints one line per scenario: the requests by kind and the seconds inside the app.
#   ./scripts/s3-requests.sh [--idle-seconds N]      (src/docs/benchmarks.md, "S3 requests")
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

idle_seconds=20
if [ "${1:-}" = --idle-seconds ]; then
  idle_seconds=$2
fi

ensure_s3_server_built
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
prepare_cds ""

port=${LAKESTREAM_S3_PORT:-9879}
work=$(mktemp -d -t lakestream-s3-requests.XXXXXX)
prefixes=(tutorial-1 tutorial-n bronze-1 bronze-n pipeline)
server_args=()
for prefix in "${prefixes[@]}"; do
  server_args+=("$prefix/landing")
done
# shellcheck disable=SC2086 # java_opts is a list of JVM options
java @conf/spark-jvm-options $java_opts -cp "target/test-classes:$(cat target/s3-server.classpath)" \
  io.lakestream.testing.LocalS3 "$port" lake "${server_args[*]}" sample-data/*.json > "$work/server.log" 2>&1 &
server=$!
app=""
trap 'kill "$server" ${app:+"$app"} 2> /dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do
  grep -q "S3 server ready" "$work/server.log" && break
  kill -0 "$server" 2> /dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done

s3_settings=(
  spark.hadoop.fs.s3a.endpoint="http://127.0.0.1:$port"
  spark.hadoop.fs.s3a.endpoint.region=us-east-1
  spark.hadoop.fs.s3a.path.style.access=true
  spark.hadoop.fs.s3a.connection.ssl.enabled=false
  spark.hadoop.fs.s3a.aws.credentials.provider=org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider
  spark.hadoop.fs.s3a.access.key=lakestream-test
  spark.hadoop.fs.s3a.secret.key=lakestream-test-secret
)
properties="$work/s3.properties"
cp conf/local.properties "$properties"
printf '%s\n' "${s3_settings[@]}" >> "$properties"

java_command=(java @conf/spark-jvm-options -Dlog4j2.configurationFile=conf/log4j2.properties $java_opts $cds_opts
  -cp "$app_classpath")

report() { # report <scenario> <log>
  local requests seconds
  requests=$(grep -h "S3 requests this run" "$2" | tail -n 1 | sed 's/.*S3 requests this run: //')
  seconds=$(grep -hoE "(run|stream) finished in [0-9.]+ s" "$2" | tail -n 1 | grep -oE "[0-9.]+ s")
  printf '%-58s %s  (%s)\n' "$1" "${requests:-no count}" "${seconds:-?}"
}

tutorial() { # tutorial <prefix> <files per trigger>
  "${java_command[@]}" io.lakestream.tools.BaselineJobs tutorial-stream "s3a://lake/$1/landing" \
    "s3a://lake/$1/out" "$properties" "$2" > "$work/$1.log" 2>&1
}

lakestream() { # lakestream <prefix> <log> [app arguments]
  local prefix=$1 log=$2
  shift 2
  "${java_command[@]}" io.lakestream.app.LakestreamApp --config "$properties" \
    --set "volume.root=s3a://lake/$prefix" "$@" > "$log" 2>&1
}

echo "S3 requests, 4 sample files (300 events), in-JVM S3 server; one run each"
tutorial tutorial-1 4
report "tutorial stream, 4 files in 1 batch" "$work/tutorial-1.log"
tutorial tutorial-n 1
report "tutorial stream, 1 file per batch (4 batches)" "$work/tutorial-n.log"
lakestream bronze-1 "$work/bronze-1.log" --set pipeline.stop_after=bronze
report "lakestream bronze, 4 files in 1 batch" "$work/bronze-1.log"
lakestream bronze-n "$work/bronze-n.log" --set pipeline.stop_after=bronze --set ingest.max_files_per_trigger=1
report "lakestream bronze, 1 file per batch (4 batches)" "$work/bronze-n.log"
lakestream pipeline "$work/pipeline.log"
report "lakestream whole pipeline, 4 files in 1 batch" "$work/pipeline.log"
lakestream pipeline "$work/again.log"
report "lakestream whole pipeline, again: nothing new" "$work/again.log"

# Idle triggers: a processingTime:1s run over the drained volume for idle_seconds, stopped by TERM; its requests
# minus the nothing-new run's, divided by the seconds, are the cost of one idle trigger (of the five queries).
"${java_command[@]}" io.lakestream.app.LakestreamApp --config "$properties" --set volume.root=s3a://lake/pipeline \
  --set trigger=processingTime:1s > "$work/idle.log" 2>&1 &
app=$!
for _ in $(seq 1 1200); do
  [ "$(grep -c 'ProgressLog - Query .* started' "$work/idle.log" || true)" -ge 5 ] && break
  kill -0 "$app" 2> /dev/null || { cat "$work/idle.log" >&2; exit 1; }
  sleep 0.1
done
sleep "$idle_seconds"
kill -TERM "$app"
wait "$app" || true
app=""
report "lakestream whole pipeline, processingTime:1s idle ${idle_seconds} s" "$work/idle.log"

# The same nothing-new run on a local disk, for the time the S3 one is held against.
local_root="$work/local"
mkdir -p "$local_root/landing"
cp sample-data/*.json "$local_root/landing/"
"${java_command[@]}" io.lakestream.app.LakestreamApp --config conf/local.properties \
  --set "volume.root=$local_root" > "$work/local-1.log" 2>&1
"${java_command[@]}" io.lakestream.app.LakestreamApp --config conf/local.properties \
  --set "volume.root=$local_root" > "$work/local-2.log" 2>&1
printf '%-58s %s\n' "local disk, whole pipeline, again: nothing new" \
  "$(grep -hoE "run finished in [0-9.]+ s" "$work/local-2.log" | grep -oE "[0-9.]+ s")"
