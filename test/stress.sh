#!/usr/bin/env bash
# Runs `npm test` N times (default 5) while CPU hogs keep the cores busy, the way a loaded CI
# machine or a laptop in a video call does. One line per run: pass/fail, wall time, load average.
# Exits 1 when any run failed; each run's full output stays in the log folder it names.
#
#   bash test/stress.sh            # 5 runs, 2 hogs
#   bash test/stress.sh 1          # one run
#   HOGS=4 bash test/stress.sh 3   # more pressure
set -uo pipefail
cd "$(dirname "$0")/.."

runs=${1:-5}
hogs=${HOGS:-2}
if ! [[ $runs =~ ^[1-9][0-9]*$ && $hogs =~ ^[0-9]+$ ]]; then
  echo "usage: [HOGS=2] bash test/stress.sh [RUNS]" >&2
  exit 2
fi
logs=$(mktemp -d "${TMPDIR:-/tmp}/bots-stress-XXXXXX")

pids=()
stop_hogs() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  pids=()
}
trap stop_hogs EXIT
trap 'echo "interrupted" >&2; exit 130' INT TERM

for ((i = 0; i < hogs; i++)); do
  node -e 'for(;;){}' &
  pids+=($!)
done
echo "stress: $runs run(s) of npm test beside $hogs CPU hog(s) on $(nproc) core(s); logs in $logs"

failed=0
for ((run = 1; run <= runs; run++)); do
  log="$logs/run-$run.log"
  start=$(date +%s.%N)
  npm test >"$log" 2>&1
  code=$?
  end=$(date +%s.%N)
  wall=$(awk -v s="$start" -v e="$end" 'BEGIN {printf "%.1f", e - s}')
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  counts=$(grep -E '^# (pass|fail) ' "$log" | tr -d '#' | xargs)
  if [ "$code" -eq 0 ]; then
    printf 'run %d/%d: pass  %6ss  load %s  %s\n' "$run" "$runs" "$wall" "$load" "$counts"
  else
    failed=$((failed + 1))
    printf 'run %d/%d: FAIL  %6ss  load %s  %s  (exit %d, %s)\n' "$run" "$runs" "$wall" "$load" "$counts" "$code" "$log"
    grep -E '^\s*not ok ' "$log" | grep -v ' # SKIP' | sed 's/^/    /' | head -20
  fi
done

stop_hogs
echo "stress: $((runs - failed))/$runs passed"
[ "$failed" -eq 0 ]
