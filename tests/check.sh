#!/usr/bin/env bash
# make check: the layering rule, unit tests natively, a short fuzzing run,
# then the integration suite in the emulated host; ends with one line
# totalling all.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

results="build/host/layers-result build/host/unit-result build/host/fuzz-result build/l1/result-check build/l1/result-iasl build/l1/result-oldhost build/l1/result-newhost"
rm -f $results
mkdir -p build/host
if scripts/check-layers.sh; then layers="1 0"; else layers="0 1"; fi
echo "$layers" > build/host/layers-result
tests/unit/run.sh "$@"
make --no-print-directory fuzz
tests/l1/run.sh check
tests/acpi-iasl.sh build/l1/console-check.log build/l1/result-iasl
L1_KERNEL=${LKVM_CACHE:-$HOME/.cache/lkvm}/guest/Image-6.1 tests/l1/run.sh oldhost
L1_KERNEL=${LKVM_CACHE:-$HOME/.cache/lkvm}/guest/Image-new tests/l1/run.sh newhost

# Each harness writes "passed failed"; one that died without writing it
# counts as a failure.
passed=0 failed=0
for r in $results; do
	read -r p f < "$r" 2>/dev/null || { p=0; f=1; echo "check: no result in $r"; }
	passed=$((passed + p))
	failed=$((failed + f))
done
echo "check: $passed passed, $failed failed"
[ "$failed" = 0 ]
