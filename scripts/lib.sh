# Shared by the scripts: build when needed and run a lakestream main class with Spark's JVM flags.
# Sourced, not executed. Expects the working directory to be the project root.

# JVM options every script adds after conf/spark-jvm-options. By default the JIT stops at C1: a local run that
# drains a folder and exits spends a third of its CPU in C2 compilations on two cores, and took 23 % less wall
# time without them (100,000 events; 12 % less at 1,000,000). C2's code is faster per row once warm, so for a
# long processingTime run over millions of rows set LAKESTREAM_JAVA_OPTS= (empty) or to options of your own.
# The code cache is given the size it has with C2 (240 MB): C1-only JVMs default to 48 MB, which a 10-batch run
# filled ("Out of space in CodeCache"), and then the JVM fails.
java_opts=${LAKESTREAM_JAVA_OPTS--XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=240m}

# Compiles when nothing is built yet or a source, pom.xml or conf file is newer than the last build.
# The first build downloads the dependencies (about 325 MB) from Maven Central.
ensure_built() {
  local stamp=target/local.classpath
  if [ ! -f "$stamp" ] || [ ! -f target/classes/io/lakestream/app/LakestreamApp.class ] \
      || [ -n "$(find pom.xml src/main conf -newer "$stamp" -print 2>/dev/null | head -n 1)" ]; then
    echo "Building lakestream (./mvnw compile)..." >&2
    ./mvnw -B -q -DskipTests compile
    touch "$stamp"
  fi
}

# Builds the app and the tests' S3 server (testing.LocalS3, its classpath in target/s3-server.classpath) if
# anything changed since: for run-s3.sh and s3-requests.sh.
ensure_s3_server_built() {
  if [ ! -f target/s3-server.classpath ] || [ ! -f target/test-classes/io/lakestream/testing/LocalS3.class ] \
      || [ -n "$(find pom.xml src conf -newer target/s3-server.classpath -print 2>/dev/null | head -n 1)" ]; then
    echo "Building lakestream and its test S3 server (./mvnw test-compile)..." >&2
    ./mvnw -B -q -DskipTests test-compile
    touch target/local.classpath target/s3-server.classpath
  fi
  ensure_built
}

# Class data sharing (CDS). Each lakestream JVM loads and verifies some 20,000 classes of Spark, Delta and Hadoop
# from jars, at start and at every first use (table set-up, the first batch, the summary): in a short run, a large
# part of the wall time. JDK 17 records the classes a run loaded in an archive (-XX:ArchiveClassesAtExit) and maps
# them into later JVMs (-XX:SharedArchiveFile). The first pipeline run after a build records
# target/cds/lakestream.jsa (about 200 MB; that run ends some 30 s later); the runs after it start from it. A JVM
# accepts an archive only with the classpath it was recorded with, and only of jars: the app's classes run from target/cds/lakestream-classes.jar,
# repacked after each build (which drops the archive). Only a pipeline run records (run-local.sh, bench.sh's
# recording run), and its archive is kept only when the run did not fail: a run stopped at a bad setting loads a
# fraction of the classes, and its archive would serve every run until the next build (a 34 MB archive instead of
# some 200 MB cost a 200,000-event run about 5 s). A recorded archive is checked (-Xshare:on) before it
# is used, and dropped if a JVM refuses it. Off unless LAKESTREAM_CDS=on: recording costs the first run about 40 s,
# which a newcomer's first three runs of the sample did not win back (81 s with it, 50 s without); the benchmarks
# turn it on, for every scenario alike.
# Sets app_classpath and cds_opts (JVM options); ensure_built first.
cds_archive=target/cds/lakestream.jsa
prepare_cds() {
  local may_record=${1:-}
  app_classpath="target/classes:$(cat target/local.classpath)"
  cds_opts=""
  if [ "${LAKESTREAM_CDS:-off}" != on ] || ! command -v jar > /dev/null; then
    return 0
  fi
  local jar=target/cds/lakestream-classes.jar archive=$cds_archive classpath
  mkdir -p target/cds
  if [ ! -f "$jar" ] || [ target/local.classpath -nt "$jar" ] \
      || [ -n "$(find target/classes -newer "$jar" -print -quit)" ]; then
    rm -f "$archive" "$archive.new"
    if ! { jar cf "$jar.tmp" -C target/classes . && mv "$jar.tmp" "$jar"; }; then
      echo "Could not pack target/classes for class data sharing; running without it" >&2
      return 0
    fi
  fi
  classpath="$jar:$(cat target/local.classpath)"
  if [ -f "$archive.new" ]; then
    if java -XX:SharedArchiveFile="$archive.new" -Xshare:on -cp "$classpath" -version > /dev/null 2>&1; then
      mv "$archive.new" "$archive"
    else
      rm -f "$archive.new"
    fi
  fi
  app_classpath=$classpath
  if [ -f "$archive" ]; then
    cds_opts="-XX:SharedArchiveFile=$archive -Xlog:cds=off,cds+dynamic=off"
  elif [ "$may_record" = record ] && [ "$(df -Pk target | awk 'NR == 2 {print $4}')" -gt 1048576 ]; then
    # Recording needs room for the archive; a JVM that cannot write it fails at exit.
    cds_opts="-XX:ArchiveClassesAtExit=$archive.new -Xlog:cds=off,cds+dynamic=off"
    echo "Recording the classes this run loads for faster starts of the next runs ($archive, once per build:" \
      "this run ends some 30 s later)" >&2
  fi
}

# Drops the archive a run recorded (see prepare_cds): for a run that failed.
discard_recorded_cds() {
  rm -f "$cds_archive.new"
}

# Runs a main class on the local classpath (the app's classes, Spark and Delta), as spark-submit would:
# with Spark's --add-opens flags, loopback networking and conf/log4j2.properties, and class data sharing.
# run_java [--record] <main class> [arguments]: --record lets this run record the class archive when there is none.
run_java() {
  local may_record=""
  if [ "$1" = --record ]; then
    may_record=record
    shift
  fi
  local main_class=$1
  shift
  case " $* " in
    *" --help "* | *" -h "*) may_record="" ;; # prints and exits: would record next to nothing
  esac
  export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
  prepare_cds "$may_record"
  # shellcheck disable=SC2086 # java_opts and cds_opts are lists of JVM options
  local command=(java @conf/spark-jvm-options -Dlog4j2.configurationFile=conf/log4j2.properties $java_opts $cds_opts
    -cp "$app_classpath" "$main_class" "$@")
  if [[ "$cds_opts" != *ArchiveClassesAtExit* ]]; then
    exec "${command[@]}"
  fi
  # Recording: the JVM runs as a child, so that its archive can be dropped if it fails; a TERM or INT sent to the
  # script reaches it as TERM (lakestream's graceful stop).
  "${command[@]}" &
  local pid=$! status
  trap 'kill -TERM "$pid" 2> /dev/null || true' TERM INT
  while :; do
    status=0
    wait "$pid" || status=$?
    kill -0 "$pid" 2> /dev/null || break
  done
  trap - TERM INT
  # A run stopped by TERM or INT (143, 130) after its queries ran loaded what a run loads: kept.
  if [ "$status" -ne 0 ] && [ "$status" -ne 143 ] && [ "$status" -ne 130 ]; then
    discard_recorded_cds
    echo "The run failed (exit $status): the classes it loaded are not kept for later starts" >&2
  fi
  return "$status"
}

# Starts lakestream in the background with trigger=processingTime:1s over the volume $1 (logging to $2), extra
# arguments going to the app; sets $app to its pid and waits until its five queries have started.
start_streaming_app() {
  local root=$1 log=$2
  shift 2
  # shellcheck disable=SC2086 # java_opts is a list of JVM options
  java @conf/spark-jvm-options -Dlog4j2.configurationFile=conf/log4j2.properties $java_opts \
    -cp "target/classes:$(cat target/local.classpath)" \
    io.lakestream.app.LakestreamApp --config conf/local.properties --set master=local[2] \
    --set "volume.root=$root" --set trigger=processingTime:1s "$@" > "$log" 2>&1 &
  app=$!
  trap 'kill -TERM $app 2>/dev/null || true' EXIT
  for _ in $(seq 1 180); do
    [ "$(grep -c 'ProgressLog - Query .* started' "$log" || true)" -ge 5 ] && return 0
    kill -0 "$app" 2>/dev/null || { tail -30 "$log" >&2; exit 1; }
    sleep 1
  done
}

# Drops a file into a landing folder whole, at one instant (copied under a hidden name, then renamed).
land_file() {
  local file=$1 landing=$2 name
  name=$(basename "$file")
  cp "$file" "$landing/.$name.tmp"
  mv "$landing/.$name.tmp" "$landing/$name"
}
