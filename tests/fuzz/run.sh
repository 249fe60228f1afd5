#!/usr/bin/env bash
# run.sh SECONDS TARGET...: run each libFuzzer target for SECONDS, as many
# at once as there are CPUs. New inputs go to build/fuzz-corpus/NAME;
# tests/fuzz/corpus/NAME holds the committed seeds (inputs that reach deep
# or once found a bug), replayed on every run. Writes "passed failed" to
# build/host/fuzz-result: a target passes when it ran the whole time
# without finding an invariant violation, a crash or unbounded work.
set -u
seconds=$1
shift
top=$(cd "$(dirname "$0")/../.." && pwd)
jobs=$(nproc 2>/dev/null || echo 1)
mkdir -p "$top/build/host" "$top/build/fuzz-artifacts"

run_one() {
	local target=$1 name corpus seeds log status runs cov
	name=$(basename "$target")
	corpus=$top/build/fuzz-corpus/$name
	seeds=$top/tests/fuzz/corpus/$name
	log=$top/build/host/$name-${seconds}s.log
	mkdir -p "$corpus" "$seeds"
	"$target" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix="$top/build/fuzz-artifacts/$name-" \
		"$corpus" "$seeds" > "$log" 2>&1
	status=$?
	runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	if [ "$status" = 0 ] && [ -n "$runs" ]; then
		echo "fuzz: $name: $runs runs in ${seconds}s, ${cov:-cov: ?}, no invariant violated"
	else
		echo "fuzz: $name: FAILED (status $status); see $log and build/fuzz-artifacts/"
		grep -E 'SUMMARY|ERROR|fuzz_.*\.c:[0-9]+' "$log" | head -n 5
	fi
}

# One line per target, in the order given, whatever order they finish in.
out=$(mktemp -d)
i=0
for target in "$@"; do
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
	run_one "$target" > "$out/$(printf %03d $i)" &
	i=$((i + 1))
done
wait
cat "$out"/* 2>/dev/null
passed=$(cat "$out"/* 2>/dev/null | grep -c 'no invariant violated')
failed=$(($# - passed))
rm -rf "$out"
echo "$passed $failed" > "$top/build/host/fuzz-result"
echo "fuzz: $passed passed, $failed failed"
[ "$failed" = 0 ]
