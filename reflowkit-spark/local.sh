#!/usr/bin/env bash
# Runs a ReflowKit Spark job without a cluster: ./reflowkit-spark/local.sh 'local[2]' SparkPairs ARGS...
# (CLASS is SparkPairs or SparkEval). Builds the module when needed; one engine thread per task
# unless REFLOW_THREADS says otherwise. docs/SPARK.md has the spark-submit form for clusters.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MASTER="$1"; CLASS="$2"; shift 2
JAR="$ROOT/reflowkit-spark/target/reflowkit-spark.jar"
CP="$ROOT/reflowkit-spark/target/classpath.txt"
if [[ ! -f "$JAR" || ! -f "$CP" ]]; then
  (cd "$ROOT" && mvn -B -q -DskipTests -pl reflowkit-spark -am install >&2 \
    && mvn -B -q -pl reflowkit-spark dependency:build-classpath -Dmdep.outputFile="$CP" >&2)
fi
# what spark-submit adds on Java 17 (Spark's JavaModuleOptions), kept in the module's pom
OPENS=$(sed -n 's:.*<spark.test.jvm>\(.*\)</spark.test.jvm>.*:\1:p' "$ROOT/reflowkit-spark/pom.xml")
export DJL_OFFLINE=true TORCH_CPP_LOG_LEVEL="${TORCH_CPP_LOG_LEVEL:-ERROR}"
# shellcheck disable=SC2086
exec java -Xmx8g $OPENS -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="${REFLOW_THREADS:-1}" \
  -Dspark.master="$MASTER" -Dspark.ui.enabled=false -Dspark.driver.host=127.0.0.1 \
  -Dspark.driver.bindAddress=127.0.0.1 -cp "$JAR:$(cat "$CP")" "dev.reflowkit.spark.$CLASS" "$@"
