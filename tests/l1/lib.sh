# TAP helpers for the scenarios that run inside the emulated host (busybox sh).
tap_count=0

# What the suites boot, as run.sh packs it under $ROOT.
K=$ROOT/guest/Image
KZ=$ROOT/guest/Image.gz
I=$ROOT/guest/initrd.cpio.gz
P=$ROOT/payloads

ok() {
	tap_count=$((tap_count + 1))
	echo "ok $tap_count - $1"
}

# not_ok DESC [FILE...]: a failure, with the tail of each FILE as diagnostics.
not_ok() {
	tap_count=$((tap_count + 1))
	echo "not ok $tap_count - $1"
	shift
	for f in "$@"; do
		[ -e "$f" ] || continue
		echo "#   --- $f"
		tail -n 15 "$f" | tr -d '\r' | sed 's/^/#   /'
	done
}

# guest_checks NAME PREFIX: turn a payload's "PASS x"/"FAIL x" console lines
# into TAP lines "PREFIX: x"; fails one more if the payload never said DONE.
guest_checks() {
	tr -d '\r' < /tmp/$1.out > /tmp/$1.lines
	while read -r verdict what; do
		case "$verdict" in
		PASS) ok "$2: $what" ;;
		FAIL) not_ok "$2: $what" ;;
		"#") echo "#   $what" ;;
		esac
	done < /tmp/$1.lines
	grep -q '^DONE' /tmp/$1.lines || not_ok "$2: the payload finished (exit status $status)" /tmp/$1.out /tmp/$1.err
}

# took WHAT: a TAP comment with the seconds since the last one, so the log
# shows which part of a suite is slow.
took_since=$(date +%s)
took() {
	took_now=$(date +%s)
	echo "# took: $1, $((took_now - took_since)) s"
	took_since=$took_now
}

# An awk function for the benchmarks: the median of a[1..n] (sorts a).
AWK_MEDIAN='
	function median(a, n,   i, j, t) {
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		return a[int((n + 1) / 2)]
	}'

tap_done() {
	echo "1..$tap_count"
}

# The scenario a failed expect shows the output of, /tmp/$run.out and .err:
# lkvm_run sets it; a test that starts lkvm itself as NAME sets run=NAME.
run=

# expect [-f FILE]... DESCRIPTION COMMAND...: ok if COMMAND succeeds, else
# not_ok with the tail of each FILE, or of the scenario's output if none is
# named, and status 1 (for more diagnostics after ||). A condition of several commands is one string for eval, which
# runs inside expect: it may use variables, not a caller's "$1".
#   expect "hello runs" eval '[ "$status" = 0 ] && has hello "^hello"'
expect() {
	expect_files=
	while [ "$1" = -f ]; do
		expect_files="$expect_files $2"
		shift 2
	done
	expect_desc=$1
	shift
	[ -n "$expect_files" ] || expect_files="/tmp/$run.out /tmp/$run.err"
	if "$@"; then
		ok "$expect_desc"
	else
		not_ok "$expect_desc" $expect_files
		return 1
	fi
}

# lkvm_run NAME ARGS...: lkvm run ARGS with stdin from /dev/null; stdout and
# stderr kept in /tmp/NAME.out and /tmp/NAME.err, exit status in $status.
lkvm_run() {
	name=$1 run=$1
	shift
	timeout 600 lkvm run "$@" </dev/null >/tmp/$name.out 2>/tmp/$name.err
	status=$?
}

# one_line_error DESC PATTERN CMD...: CMD (stdin from /dev/null) fails with
# exit status 1 and exactly one stderr line, which matches PATTERN.
one_line_error() {
	desc=$1 want=$2
	shift 2
	"$@" </dev/null >/tmp/bad.out 2>/tmp/bad.err
	status=$?
	lines=$(wc -l < /tmp/bad.err)
	if [ "$status" = 1 ] && [ "$lines" = 1 ] && grep -qE -- "$want" /tmp/bad.err; then
		ok "$desc"
	else
		echo "#   exit status $status, $lines stderr lines, wanted /$want/"
		not_ok "$desc" /tmp/bad.err
	fi
}

# has NAME PATTERN: the guest's console output (stdout) matches PATTERN.
has() {
	tr -d '\r' < /tmp/$1.out | grep -qE "$2"
}

# wait_socket NAME: until VM NAME answers on its socket (up to a minute).
wait_socket() {
	n=0
	until lkvm list 2>/dev/null | grep -q " $1 "; do
		n=$((n + 1))
		[ $n -gt 60 ] && return 1
		sleep 1
	done
}

# value NAME KEY: the value the guest reported as KEY=value.
value() {
	tr -d '\r' < /tmp/$1.out | sed -n "s/^$2=//p" | head -n 1
}

# wait_line FILE PREFIX: wait (up to 2 minutes) until a line of FILE starts
# with PREFIX, while the VM $vm_pid lives.
wait_line() {
	n=0
	until tr -d '\r' < "$1" | grep -q "^$2"; do
		n=$((n + 1))
		{ [ $n -gt 120 ] || ! kill -0 $vm_pid 2>/dev/null; } && return 1
		sleep 1
	done
}
