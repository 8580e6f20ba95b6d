#!/usr/bin/env bash
# Runs every benchmark and the fault suite in one go on this machine, and writes the figures into
# BENCHMARKS.md (between its "results" markers), with the machine and the commands.
#
#   bench/run.sh                          # everything: about an hour on 2 cores
#   bench/run.sh --only bronze,merge      # some of: bronze backfill merge scale freshness breakdown demo faults
#   bench/run.sh --only soak              # live for 30 exchange days x 20 symbols: an hour; never in "all"
#   bench/run.sh --only freshness --freshness-minutes 3   # other options go to the Java suite
#   bench/run.sh --only freshness --freshness-drivers several   # the layers as separate JVMs, not live
#
# Nothing else should run on the machine meanwhile: the figures are wall-clock times.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
results="$root/bench/target/results"
mkdir -p "$results"

all="bronze,backfill,merge,scale,freshness,breakdown,demo,faults"
only="$all"
suite_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --only) only="$2"; shift 2 ;;
    *) suite_args+=("$1"); shift ;;
  esac
done
has() { [[ ",$only," == *",$1,"* ]]; }
java_only=$(tr ',' '\n' <<<"$only" | grep -E '^(bronze|backfill|merge|scale|freshness|breakdown|soak)$' | paste -sd, || true)

echo "Building (./mvnw install -DskipTests) ..." >&2
./mvnw -q -B install -DskipTests >&2

started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
{
  echo "Measured on $started by \`bench/run.sh --only $only${suite_args:+ ${suite_args[*]}}\`:"
  echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')),"
  echo "$(awk '/MemTotal/ {printf "%.0f GiB RAM", $2 / 1048576}' /proc/meminfo),"
  echo "$(java -version 2>&1 | head -1), $(uname -sr)."
  echo
} >"$results/machine.md"
: >"$results/figures.md"

if [ -n "$java_only" ]; then
  opens=$(sed -n 's:.*<spark.jvm.opens>\(.*\)</spark.jvm.opens>.*:\1:p' pom.xml)
  # shellcheck disable=SC2086
  # The launcher's logging, not the log4j2-test.properties of the test fixtures on the classpath.
  SPARK_LOCAL_IP=127.0.0.1 java -Xmx4g -XX:+UseParallelGC $opens -Dlog4j2.configurationFile=log4j2.properties \
    -cp "bench/target/classes:$(cat bench/target/bench.classpath)" \
    io.marketlake.bench.BenchmarkSuite --only "$java_only" --out "$results/figures.md" \
    ${suite_args[@]+"${suite_args[@]}"} | tee "$results/suite.log"
fi

if has demo; then
  echo "== demo ==" >&2
  MARKETLAKE_SKIP_BUILD=1 bench/measure-demo.sh | tee "$results/demo.log"
  line=$(grep '^demo exit' "$results/demo.log")
  {
    echo "### Demo wall time and peak memory"
    echo
    echo "- \`bin/marketlake demo\` (7 days × 5 symbols, the default), the whole process tree"
    echo "  (demo JVM, Kafka broker, S3 server) sampled every 0.5 s:"
    echo "  **${line#demo exit 0, }** (targets ≤ 120 s and ≤ 3 GB)"
    echo
    echo '```'
    sed -n '/== Wall time per stage ==/,/total/p' "$results/demo.log"
    echo '```'
    echo
    echo 'Reproduce: `bench/measure-demo.sh`'
    echo
  } >>"$results/figures.md"
fi

if has faults; then
  echo "== fault suite ==" >&2
  started_faults=$(date +%s)
  ./mvnw -B -o -Pfault-suite -pl bronze,it verify -Dtest=NONE \
    -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test='BronzeKillIT,ExchangeFaultsIT,BrokerRestartIT,S3OutageIT' >"$results/faults.log" 2>&1 \
    || { tail -50 "$results/faults.log"; echo "fault suite failed: $results/faults.log" >&2; exit 1; }
  took=$(( $(date +%s) - started_faults ))
  {
    echo "### Fault suite"
    echo
    echo "All passed (${took} s, \`./mvnw -B -Pfault-suite -pl bronze,it verify -Dtest=NONE"
    echo "-Dsurefire.failIfNoSpecifiedTests=false -Dit.test='BronzeKillIT,ExchangeFaultsIT,BrokerRestartIT,S3OutageIT'\`)."
    echo "Each test's own summary line:"
    echo
    cat bronze/target/failsafe-reports/*BronzeKillIT-output.txt \
        it/target/failsafe-reports/*-output.txt 2>/dev/null \
      | grep -E '^(BronzeKillIT:|FAULT-SUMMARY)' | sed 's/^/- /'
    echo
  } >>"$results/figures.md"
fi

cat "$results/machine.md" "$results/figures.md" >"$results/results.md"
if [ "$only" != "$all" ]; then
  echo "A partial run: BENCHMARKS.md is left as it is (its figures come from one whole run)." >&2
  echo "These figures: $results/results.md" >&2
  exit 0
fi
# Splice machine + figures into BENCHMARKS.md between the markers.
awk -v results="$results/results.md" '
  /<!-- results:begin -->/ { print; while ((getline line < results) > 0) print line; skip = 1; next }
  /<!-- results:end -->/ { skip = 0 }
  !skip { print }
' BENCHMARKS.md >"$results/BENCHMARKS.md.new"
mv "$results/BENCHMARKS.md.new" BENCHMARKS.md
echo "BENCHMARKS.md updated ($results/results.md)" >&2
