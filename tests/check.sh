#!/usr/bin/env bash
# make check: unit tests natively, a short fuzzing run, then the
# integration suite in the emulated host; ends with one line totalling all.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

rm -f build/host/unit-result build/host/fuzz-result build/l1/result
tests/unit/run.sh "$@"
unit_status=$?
make --no-print-directory fuzz
fuzz_status=$?
tests/l1/run.sh check
l1_status=$?

read -r up uf < build/host/unit-result 2>/dev/null || { up=0; uf=1; }
read -r fp ff < build/host/fuzz-result 2>/dev/null || { fp=0; ff=1; }
read -r lp lf < build/l1/result 2>/dev/null || { lp=0; lf=1; }
# A harness that died before writing its result still counts as a failure.
[ "$unit_status" != 0 ] && [ "$uf" = 0 ] && uf=1
[ "$fuzz_status" != 0 ] && [ "$ff" = 0 ] && ff=1
[ "$l1_status" != 0 ] && [ "$lf" = 0 ] && lf=1
echo "check: $((up + fp + lp)) passed, $((uf + ff + lf)) failed"
[ $((uf + ff + lf)) = 0 ]
