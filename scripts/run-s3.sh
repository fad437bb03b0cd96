#!/usr/bin/env bash
# Runs the lakestream pipeline on S3 without a cloud: starts an S3 server on 127.0.0.1 inside a JVM (s3proxy,
# in memory, the one the S3 tests use), stores sample-data/*.json in s3a://lake/volume/landing, runs the app
# with volume.root=s3a://lake/volume and the fs.s3a.* settings a real bucket takes (as --set spark.hadoop.…),
# prints the usual summary and stops the server (its data goes with it).
# Extra arguments go to the app, e.g.:  ./scripts/run-s3.sh --set ingest.max_files_per_trigger=1
# For a real bucket, see conf/s3.properties.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

ensure_s3_server_built

port=${LAKESTREAM_S3_PORT:-9878}
log=$(mktemp -t lakestream-s3.XXXXXX)
java @conf/spark-jvm-options -cp "target/test-classes:$(cat target/s3-server.classpath)" \
  io.lakestream.testing.LocalS3 "$port" lake volume/landing sample-data/*.json > "$log" 2>&1 &
server=$!
trap 'kill "$server" 2> /dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 600); do
  grep -q "S3 server ready" "$log" && break
  kill -0 "$server" 2> /dev/null || { cat "$log" >&2; echo "The S3 server did not start" >&2; exit 1; }
  sleep 0.1
done
grep "S3 server ready" "$log" >&2

status=0
# In a subshell: run_java ends in exec, and the server must be stopped after the run.
(run_java io.lakestream.app.LakestreamApp --config conf/local.properties \
  --set volume.root=s3a://lake/volume \
  --set spark.hadoop.fs.s3a.endpoint="http://127.0.0.1:$port" \
  --set spark.hadoop.fs.s3a.endpoint.region=us-east-1 \
  --set spark.hadoop.fs.s3a.path.style.access=true \
  --set spark.hadoop.fs.s3a.connection.ssl.enabled=false \
  --set spark.hadoop.fs.s3a.aws.credentials.provider=org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider \
  --set spark.hadoop.fs.s3a.access.key=lakestream-test \
  --set spark.hadoop.fs.s3a.secret.key=lakestream-test-secret \
  "$@") || status=$?
exit "$status"
