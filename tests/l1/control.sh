# The control plane, sourced by mode-check.sh: lkvm list, pause, resume,
# stop (--name and --all), stale sockets, malformed messages, bad input.

ticks() { tr -d '\r' < /tmp/ctl.out | grep -c '^TICK'; }

# ticks_grow SECONDS: the guest prints a new TICK line within SECONDS.
ticks_grow() {
	before=$(ticks) n=0
	while [ $n -lt "$1" ]; do
		sleep 1
		[ "$(ticks)" -gt "$before" ] && return 0
		n=$((n + 1))
	done
	return 1
}

control_checks() {
	export HOME=/tmp/home
	mkdir -p $HOME/.lkvm

	# A VM killed outright leaves its socket; lkvm list removes it.
	lkvm run -k $P/ticker.flat -c 1 -m 64 --name stale </dev/null >/tmp/stale.out 2>&1 &
	vm_pid=$!
	wait_line /tmp/stale.out "TICK 1"
	kill -9 $vm_pid
	wait $vm_pid 2>/dev/null
	[ -S $HOME/.lkvm/stale.sock ] && had=yes || had=no

	lkvm run -k $P/ticker.flat -c 2 -m 64 --name ctl </dev/null >/tmp/ctl.out 2>/tmp/ctl.err &
	vm_pid=$!
	wait_line /tmp/ctl.out "TICK 3"
	lkvm list > /tmp/ctl.list1 2>&1
	expect -f /tmp/ctl.list1 "lkvm list: the running VM with its PID, state, vCPUs and RAM" \
		eval 'grep -qE "^ *$vm_pid ctl +running +2 +64 MiB\$" /tmp/ctl.list1 && ! grep -q stale /tmp/ctl.list1'
	echo "#   the killed VM left a socket: $had"
	expect -f none "lkvm list removes the socket a killed VM left" \
		[ $had = yes -a ! -e $HOME/.lkvm/stale.sock ]

	lkvm pause --name ctl > /tmp/ctl.pause 2>&1
	status=$?
	lkvm list > /tmp/ctl.list2 2>&1
	paused_at=$(ticks)
	sleep 3
	echo "#   ticks when paused: $paused_at, 3 s later: $(ticks)"
	expect -f /tmp/ctl.pause -f /tmp/ctl.list2 \
		"lkvm pause: the guest makes no progress for 3 s, lkvm list says paused" \
		eval '[ $status = 0 ] && grep -q "^VM '\''ctl'\'' is paused\$" /tmp/ctl.pause &&
			grep -qE "^ *$vm_pid ctl +paused " /tmp/ctl.list2 && [ "$(ticks)" = "$paused_at" ]'

	ctlpoke $HOME/.lkvm/ctl.sock > /tmp/ctl.poke 2>&1
	lkvm list > /tmp/ctl.list3 2>&1
	expect -f /tmp/ctl.poke -f /tmp/ctl.list3 "malformed messages to a paused VM's socket: it still answers" \
		grep -qE "^ *$vm_pid ctl +paused " /tmp/ctl.list3

	lkvm resume --name ctl > /tmp/ctl.resume 2>&1
	status=$?
	expect -f /tmp/ctl.resume -f /tmp/ctl.err "lkvm resume: the guest goes on" \
		eval '[ $status = 0 ] && grep -q "^VM '\''ctl'\'' is running\$" /tmp/ctl.resume && ticks_grow 30'

	# Were the socket's modes loosened, another user would still be refused.
	chmod 0711 $HOME/.lkvm && chmod 0666 $HOME/.lkvm/ctl.sock
	expect -f /tmp/ctl.uid "a request from another user (SO_PEERCRED) is closed unanswered" \
		eval 'ctlpoke --uid 1000 $HOME/.lkvm/ctl.sock > /tmp/ctl.uid 2>&1'
	chmod 0700 $HOME/.lkvm && chmod 0600 $HOME/.lkvm/ctl.sock
	# Sixteen peers that connect and say nothing hold every slot; each is
	# dropped after a few seconds, and the VM answers again.
	expect -f /tmp/ctl.hold -f /tmp/ctl.list5 "16 idle connections are closed within 15 s; the VM answers after them" \
		eval 'ctlpoke --hold 16 $HOME/.lkvm/ctl.sock > /tmp/ctl.hold 2>&1 && lkvm list > /tmp/ctl.list5 2>&1 &&
			grep -qE "^ *$vm_pid ctl " /tmp/ctl.list5'

	lkvm pause --all > /tmp/ctl.pause2 2>&1
	expect -f /tmp/ctl.pause2 "lkvm pause --all pauses every running VM" \
		grep -q "^VM 'ctl' is paused$" /tmp/ctl.pause2
	lkvm stop --name ctl > /tmp/ctl.stop 2>&1
	status=$?
	gone=yes
	[ -e $HOME/.lkvm/ctl.sock ] && gone=no
	wait $vm_pid
	vm_status=$?
	echo "#   stop: exit status $status, socket gone: $gone, run: exit status $vm_status"
	expect -f /tmp/ctl.stop -f /tmp/ctl.err \
		"lkvm stop of a paused VM: returns once it is gone; lkvm run exits 0" \
		[ $status = 0 -a $gone = yes -a $vm_status = 0 ]

	# A stdout nobody reads: once the FIFO is full (64 KiB, a few seconds
	# of chatter) a vCPU writing to it directly would block, and lkvm stop
	# with it. The buffer's drop count is test_outbuf's; here it is shown.
	mkfifo /tmp/stuck
	sleep 120 < /tmp/stuck &
	reader=$!
	lkvm run -k $P/chatter.flat -c 1 -m 64 --name chatter </dev/null >/tmp/stuck 2>/tmp/chatter.err &
	vm_pid=$!
	sleep 15
	lkvm stop --name chatter > /tmp/chatter.stop 2>&1
	status=$?
	wait $vm_pid
	vm_status=$?
	kill $reader
	rm /tmp/stuck
	grep 'dropped' /tmp/chatter.err | sed 's/^/#   /'
	echo "#   stop: exit status $status, run: exit status $vm_status"
	expect -f /tmp/chatter.stop -f /tmp/chatter.err \
		"a stdout nobody reads: lkvm stop stops the guest, lkvm run exits 0" \
		[ $status = 0 -a $vm_status = 0 ]

	lkvm list > /tmp/ctl.list4 2>&1
	expect -f /tmp/ctl.list4 "lkvm list with no VM: the header only" [ "$(wc -l < /tmp/ctl.list4)" = 1 ]
	# The socket directory must be the user's own and closed to others.
	chmod 0777 $HOME/.lkvm
	ctl_bad "a socket directory writable by others" \
		"^lkvm: $HOME/.lkvm: writable by others; lkvm does not use its sockets\$" list
	lkvm_run trust -k $P/hello.flat -c 1 -m 64 --name trust --loglevel warning
	expect -f /tmp/trust.err "a VM beside a directory writable by others runs without a socket, with a warning" \
		eval '[ "$status" = 0 ] && [ ! -e $HOME/.lkvm/trust.sock ] &&
			grep -q "^lkvm: warning: no control socket ($HOME/.lkvm: writable by others); lkvm commands cannot reach VM '\''trust'\''\$" /tmp/trust.err'
	chmod 0700 $HOME/.lkvm
	chown 1000 $HOME/.lkvm
	ctl_bad "another user's socket directory" \
		"^lkvm: $HOME/.lkvm: owned by uid 1000, not by you; lkvm does not use its sockets\$" stop --all
	chown 0 $HOME/.lkvm
	mv $HOME/.lkvm $HOME/real.lkvm && ln -s $HOME/real.lkvm $HOME/.lkvm
	ctl_bad "a socket directory that is a symlink" \
		"^lkvm: $HOME/.lkvm: not a directory; lkvm does not use its sockets\$" pause --name ctl
	rm $HOME/.lkvm && mv $HOME/real.lkvm $HOME/.lkvm
	one_line_error "lkvm control commands, bad input: HOME not set" \
		'^lkvm: HOME is not set: lkvm finds its VMs in \$HOME/.lkvm$' env -u HOME lkvm list
	ctl_bad "stop without --name" '^lkvm: stop: give one of --name VM or --all$' stop
	ctl_bad "pause with --name and --all" '^lkvm: pause: give one of --name VM or --all$' pause --name x --all
	ctl_bad "resume --name without a value" '^lkvm: resume: --name: needs a value$' resume --name
	ctl_bad "stop of a VM that is not running" "^lkvm: --name nosuchvm: no VM of that name is running" stop --name nosuchvm
	ctl_bad "list with an unknown option" "^lkvm: list: unknown option '--bogus'" list --bogus
}

ctl_bad() { # DESC PATTERN ARGS...
	desc=$1 want=$2
	shift 2
	one_line_error "lkvm control commands, bad input: $desc" "$want" lkvm "$@"
}
