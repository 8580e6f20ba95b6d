#!/usr/bin/env bash
# Runs `bin/marketlake demo` (arguments pass through) and reports its wall time and the peak of
# the summed resident memory of its whole process tree (the demo JVM plus the Kafka broker and
# S3 server JVMs it starts), sampled every 0.5 s.
#
#   bench/measure-demo.sh              # the default demo: 7 days x 5 symbols
#   bench/measure-demo.sh --days 3
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log="${TMPDIR:-/tmp}/marketlake-demo-$$.log"
start=$(date +%s.%N)
setsid "$root/bin/marketlake" demo --no-progress "$@" >"$log" 2>&1 &
pid=$!
peak_kib=0
while kill -0 "$pid" 2>/dev/null; do
  group=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ') || true
  if [ -n "$group" ]; then
    total=$(ps -eo pgid=,rss= | awk -v g="$group" '$1 == g {s += $2} END {print s + 0}')
    [ "$total" -gt "$peak_kib" ] && peak_kib=$total
  fi
  sleep 0.5
done
status=0
wait "$pid" || status=$?
end=$(date +%s.%N)
sed -n '/== Wall time per stage ==/,$p' "$log"
printf 'demo exit %d, wall %.1f s, peak RSS of the process tree %d MiB (%s, %s cores)\n' \
  "$status" "$(awk -v a="$start" -v b="$end" 'BEGIN {print b - a}')" $((peak_kib / 1024)) \
  "$(java -version 2>&1 | head -1)" "$(nproc)"
echo "full output: $log"
exit "$status"
