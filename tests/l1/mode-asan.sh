# make check-asan: the whole check suite, with every lkvm run built with
# AddressSanitizer and UBSan (run.sh packs LKVM_BIN and its runtimes, and
# a bin/lkvm that runs the other commands, the VM's clients, plain).
# Reports go to files, not stderr, so that the tests that count lkvm's
# stderr lines still see only lkvm's; the last test fails on any report.
# SIGBUS is lkvm's own (RAS turns poison into guest errors), and so is
# SIGSEGV's fatal path, which restores the terminal. Leaks at exit are
# not counted yet. The sandbox stays on; lkvm-asan's filters also let the
# runtime open its report files (core/sandbox.c), and any refusal counts
# as a report, since it ends lkvm before a report could be written.
export ASAN_OPTIONS=log_path=/tmp/asan-report:detect_leaks=0:handle_sigbus=0:allow_user_segv_handler=1
export UBSAN_OPTIONS=log_path=/tmp/ubsan-report:print_stacktrace=1

sanitizer_verdict() {
	# The runtime is there: a binary without it would ignore ASAN_OPTIONS.
	expect -f none "lkvm-asan carries AddressSanitizer (ASAN_OPTIONS=help=1 lists its flags)" \
		eval 'ASAN_OPTIONS=help=1 lkvm-asan version 2>&1 | grep -q detect_leaks'
	reports=$(ls /tmp/asan-report.* /tmp/ubsan-report.* 2>/dev/null)
	# Every refusal but the sandbox scenarios' own, asked for.
	reports="$reports $(grep -l '^lkvm: sandbox:' /tmp/*.err 2>/dev/null | grep -v '^/tmp/sbx.err$')"
	reports=$(echo $reports)
	echo "#   sanitizer reports and sandbox refusals: $(echo $reports | wc -w)"
	for r in $reports; do
		echo "#   --- $r"
		head -n 30 "$r" | sed 's/^/#   /'
	done
	expect -f none "lkvm under ASan and UBSan: no report in the whole suite" [ -z "$reports" ]
}
after_checks=sanitizer_verdict

. "$ROOT/mode-check.sh"
