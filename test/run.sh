#!/usr/bin/env bash
# Runs every test file. Node 20 does not expand globs itself, so bash does (globstar).
#
# Two files run at a time. Files that start processes (the real CLI, a live service, a lock
# holder) take longest, so they start first, those starting the most first: the two workers then
# finish together instead of one long file running alone at the end. No test asserts a
# duration; --test-timeout is only a safety net so a hung test fails the run, not stalls it.
# The spec reporter ends with the failing tests and their errors: CI keeps only the log's tail,
# and TAP would leave a failure somewhere in the middle of it.
set -euo pipefail
shopt -s globstar nullglob
cd "$(dirname "$0")/.."
files=(test/**/*.test.ts)
if [ ${#files[@]} -eq 0 ]; then echo "no test files found" >&2; exit 1; fi
mapfile -t slow < <(grep -c -E 'runCli\(|spawn(Sync)?\(|execFile|holdStore\(|startLive\(|bots(Json)?\(' "${files[@]}" |
  grep -v ':0$' | sort -t: -k2,2rn -k1,1 | cut -d: -f1)
ordered=("${slow[@]}")
for f in "${files[@]}"; do
  case " ${slow[*]} " in *" $f "*) ;; *) ordered+=("$f") ;; esac
done
exec node --import tsx --test --test-reporter=spec --test-concurrency=2 --test-timeout=600000 "$@" "${ordered[@]}"
