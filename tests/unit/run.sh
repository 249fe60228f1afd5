#!/usr/bin/env bash
# Run the unit test binaries given as arguments; sum cmocka's counts.
# Writes "passed failed" to build/host/unit-result.
set -u
passed=0 failed=0
top=$(cd "$(dirname "$0")/../.." && pwd)
for t in "$@"; do
	out=$("$t" 2>&1)
	status=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	# A crash or a sanitizer report counts even if cmocka never said so.
	if [ "$status" != 0 ] && [ "${f:-0}" = 0 ]; then
		echo "unit: $t exited with status $status"
		failed=$((failed + 1))
	fi
done
mkdir -p "$top/build/host"
echo "$passed $failed" > "$top/build/host/unit-result"
echo "unit: $passed passed, $failed failed"
[ "$failed" = 0 ]
