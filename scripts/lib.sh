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

# Runs a main class on the local classpath (the app's classes, Spark and Delta), as spark-submit would:
# with Spark's --add-opens flags, loopback networking and conf/log4j2.properties.
run_java() {
  local main_class=$1
  shift
  export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
  # shellcheck disable=SC2086 # java_opts is a list of JVM options
  exec java @conf/spark-jvm-options -Dlog4j2.configurationFile=conf/log4j2.properties $java_opts \
    -cp "target/classes:$(cat target/local.classpath)" "$main_class" "$@"
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
