# The sandbox, sourced by mode-check.sh. Every other scenario runs with the
# filters on (the default); these check that each kind of thread is
# confined, that a call outside its list ends lkvm with one line naming the
# thread and the call and the death of SIGSYS, and that --sandbox off
# leaves lkvm unconfined.

# seccomp_modes PID: the Seccomp: field of each of the process's threads,
# by name (the main thread's is the binary's: "main" here).
seccomp_modes() {
	for t in /proc/$1/task/*; do
		name=$(cat $t/comm)
		[ "${t##*/}" = "$1" ] && name=main
		echo "$name $(sed -n 's/^Seccomp:[[:space:]]*//p' $t/status)"
	done | sort
}

sandbox_checks() {
	export HOME=/tmp/home
	mkdir -p $HOME/.lkvm

	for t in main io vcpu fs; do
		extra=
		case $t in
		main) who="the main thread" ;;
		io) who="the I/O thread" ;;
		vcpu) who="the thread of vCPU 0" ;;
		fs) who="the virtio-fs thread" extra="--fs /tmp" ;;
		esac
		lkvm_run sbx -k $P/ticker.flat -c 2 -m 64 $extra --sandbox-selftest $t
		# arm64's socket is system call 198; SIGSYS is signal 31.
		want="^lkvm: sandbox: $who made a forbidden system call: socket \\(number 198\\); lkvm stops \\(--sandbox=off to debug\\)\$"
		echo "#   exit status $status, wanted 159"
		expect -f /tmp/sbx.err "sandbox: a forbidden call on $who is named in one line; lkvm dies of SIGSYS" \
			eval '[ "$status" = 159 ] && [ "$(grep -c "^lkvm: sandbox" /tmp/sbx.err)" = 1 ] &&
				grep -qE "$want" /tmp/sbx.err'
	done

	# Filter mode 2 on every thread: main, I/O, virtio-fs, one per vCPU;
	# 0 with off.
	for mode in on off; do
		lkvm run -k $P/ticker.flat -c 2 -m 64 --name sbx-$mode --sandbox $mode --fs /tmp \
			</dev/null >/tmp/sbx.out 2>/tmp/sbx.err &
		vm_pid=$!
		wait_line /tmp/sbx.out "TICK 1"
		seccomp_modes $vm_pid > /tmp/sbx.modes
		lkvm stop --name sbx-$mode >/dev/null 2>&1
		wait $vm_pid
		status=$?
		[ $mode = on ] && m=2 || m=0
		printf '%s\n' "main $m" "lkvm-io $m" "lkvm-fs $m" "lkvm-vcpu-0 $m" "lkvm-vcpu-1 $m" |
			sort > /tmp/sbx.want
		echo "#   sandbox $mode: exit status $status"
		expect -f /tmp/sbx.modes -f /tmp/sbx.err "sandbox $mode: each thread's seccomp mode is $m" \
			eval '[ "$status" = 0 ] && cmp -s /tmp/sbx.modes /tmp/sbx.want'
	done
}
