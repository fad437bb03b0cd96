#!/usr/bin/env bash
# A real Spark standalone cluster on 127.0.0.1, made from the Spark jars Maven resolved (no Spark download):
# one master and two workers (1 core, 1 GB each), each a plain `java` process whose PID is recorded.
#   ./scripts/local-cluster.sh start          build if needed, start master + workers, wait until both registered
#   ./scripts/local-cluster.sh submit [--conf k=v | --files f]... [app args]
#                                             spark-submit the cluster jar to it, with conf/local.properties;
#                                             leading --conf/--files go to spark-submit, the rest to the app
#   ./scripts/local-cluster.sh stop           stop exactly the processes `start` launched
# State lives in target/local-cluster (override with LAKESTREAM_CLUSTER_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

dir=${LAKESTREAM_CLUSTER_DIR:-target/local-cluster}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
master_port=${LAKESTREAM_MASTER_PORT:-7077}
ui_port=${LAKESTREAM_MASTER_UI_PORT:-8080}
master_url="spark://127.0.0.1:$master_port"
export SPARK_LOCAL_IP=127.0.0.1

cluster_jar() {
  ls target/lakestream-*-cluster.jar 2>/dev/null | head -n 1
}

build() {
  if [ -z "$(cluster_jar)" ] || [ -n "$(find pom.xml src/main -newer "$(cluster_jar)" -print 2>/dev/null | head -n 1)" ]; then
    echo "Building the cluster jar (./mvnw package -DskipTests)..." >&2
    ./mvnw -B -q -DskipTests package
  fi
}

# A Spark home: jars/ holds exactly what an open-source Spark ships (Spark, Scala, Hadoop; no Delta).
make_spark_home() {
  mkdir -p "$dir/spark/jars"
  tr ':' '\n' < target/spark-home.classpath | while read -r jar; do
    [ -e "$dir/spark/jars/$(basename "$jar")" ] || ln -s "$(readlink -f "$jar")" "$dir/spark/jars/"
  done
}

# Runs Spark's java; `exec` makes a backgrounded call's $! the PID of the java process itself, not a shell.
spark_java() {
  exec java @conf/spark-jvm-options -Xmx512m -cp "$dir/spark/jars/*" "$@"
}

wait_for_workers() {
  for _ in $(seq 1 120); do
    if [ "$(grep -c 'Registering worker' "$dir/master.log" 2>/dev/null)" -ge 2 ]; then
      return 0
    fi
    sleep 0.5
  done
  echo "The workers did not register with $master_url within 60 s; see $dir/*.log" >&2
  return 1
}

start() {
  build
  make_spark_home
  mkdir -p "$dir/work-1" "$dir/work-2"
  export SPARK_HOME="$dir/spark" SPARK_SCALA_VERSION=2.13
  (spark_java org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$master_port" --webui-port "$ui_port" \
    > "$dir/master.log" 2>&1) &
  echo $! > "$dir/master.pid"
  for n in 1 2; do
    (spark_java org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 --memory 1g \
      --work-dir "$dir/work-$n" --webui-port $((ui_port + n)) "$master_url" > "$dir/worker-$n.log" 2>&1) &
    echo $! > "$dir/worker-$n.pid"
  done
  if ! wait_for_workers; then
    stop
    return 1
  fi
  echo "Spark standalone cluster up at $master_url (UI http://127.0.0.1:$ui_port), 2 workers"
}

submit() {
  local spark_options=()
  while [ $# -ge 2 ] && { [ "$1" = --conf ] || [ "$1" = --files ]; }; do
    spark_options+=("$1" "$2")
    shift 2
  done
  build
  export SPARK_HOME="$dir/spark"
  (spark_java -Dlog4j2.configurationFile=conf/log4j2.properties \
    org.apache.spark.deploy.SparkSubmit --master "$master_url" --class io.lakestream.app.LakestreamApp \
    --conf spark.executor.memory=768m --conf spark.executor.cores=1 --conf spark.ui.enabled=false \
    "${spark_options[@]}" "$(cluster_jar)" --config conf/local.properties "$@")
}

stop() {
  for pidfile in "$dir"/worker-*.pid "$dir"/master.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    if kill "$pid" 2>/dev/null; then
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done
  # Executors are children of the workers; any left behind run from this cluster's jars folder.
  pkill -f "$dir/spark/jars" 2>/dev/null || true
  echo "Spark standalone cluster stopped"
}

case "${1:-}" in
  start) start ;;
  submit) shift; submit "$@" ;;
  stop) stop ;;
  *) echo "usage: $0 start|submit [app args]|stop" >&2; exit 2 ;;
esac
