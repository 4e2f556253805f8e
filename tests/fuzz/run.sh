#!/bin/sh
# run.sh BIN_DIR SECONDS ARTIFACT_DIR FUZZER...
#
# Runs each fuzzer for SECONDS on a scratch copy of its seed corpus (the
# checked-in corpus never changes) and fails if any of them finds a crash,
# leak, timeout, out-of-memory or sanitizer report. Reproducers are copied
# to ARTIFACT_DIR; rerun one with `BIN_DIR/fuzz_<name> <file>`.
set -eu

bin=$1
seconds=$2
artifacts=$3
shift 3

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/strato-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
mkdir -p "$artifacts"

failed=0
for name in "$@"; do
  dir=$work/$name
  mkdir -p "$dir/corpus" "$dir/artifacts"
  cp "$here/corpus/$name/"* "$dir/corpus/"
  set -- -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$dir/artifacts/"
  if [ -f "$here/$name.dict" ]; then
    set -- "$@" -dict="$here/$name.dict"
  fi
  status=0
  "$bin/fuzz_$name" "$@" "$dir/corpus" >"$dir/log" 2>&1 || status=$?
  # A sanitizer report that did not abort (it should, with recover off)
  # still counts as a failure.
  if [ "$status" -ne 0 ] || grep -q -e '^==[0-9]*==ERROR' -e 'runtime error:' "$dir/log"; then
    echo "fuzz_$name: FAILED (exit $status)" >&2
    tail -n 60 "$dir/log" >&2
    cp "$dir/artifacts/"* "$artifacts/" 2>/dev/null || true
    failed=1
    continue
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log")
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log")
  cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$dir/log" | tail -n 1)
  corpus=$(ls "$dir/corpus" | wc -l)
  echo "fuzz_$name: ok, $runs runs, $speed exec/s, $cov, corpus $corpus"
done
exit $failed
