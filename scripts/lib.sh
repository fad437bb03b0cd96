# Shared by the scripts: build when needed and run a lakestream main class with Spark's JVM flags.
# Sourced, not executed. Expects the working directory to be the project root.

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
  # shellcheck disable=SC2086 # LAKESTREAM_JAVA_OPTS is a list of JVM options
  exec java @conf/spark-jvm-options -Dlog4j2.configurationFile=conf/log4j2.properties ${LAKESTREAM_JAVA_OPTS:-} \
    -cp "target/classes:$(cat target/local.classpath)" "$main_class" "$@"
}
