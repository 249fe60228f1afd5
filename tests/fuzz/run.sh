#!/usr/bin/env bash
# run.sh SECONDS TARGET...: run each libFuzzer target for SECONDS from its
# corpus (kept in build/fuzz-corpus/, seeded afresh on a new machine).
# Writes "passed failed" to build/host/fuzz-result: a target passes when it
# ran the whole time without finding an invariant violation or a crash.
set -u
seconds=$1
shift
top=$(cd "$(dirname "$0")/../.." && pwd)
passed=0 failed=0
for target in "$@"; do
	name=$(basename "$target")
	corpus=$top/build/fuzz-corpus/$name
	mkdir -p "$corpus" "$top/build/fuzz-artifacts"
	log=$top/build/host/$name-${seconds}s.log
	# New inputs go to the build corpus; tests/fuzz/corpus holds seeds
	# that once found something, replayed on every run.
	"$target" -max_total_time="$seconds" -print_final_stats=1 \
		-artifact_prefix="$top/build/fuzz-artifacts/" "$corpus" \
		"$top/tests/fuzz/corpus" > "$log" 2>&1
	status=$?
	runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log")
	if [ "$status" = 0 ] && [ -n "$runs" ]; then
		echo "fuzz: $name: $runs runs in ${seconds}s, no invariant violated"
		passed=$((passed + 1))
	else
		echo "fuzz: $name: FAILED (status $status); see $log and build/fuzz-artifacts/"
		grep -E 'SUMMARY|ERROR|fuzz_.*\.c:[0-9]+' "$log" | head -n 5
		failed=$((failed + 1))
	fi
done
mkdir -p "$top/build/host"
echo "$passed $failed" > "$top/build/host/fuzz-result"
echo "fuzz: $passed passed, $failed failed"
[ "$failed" = 0 ]
