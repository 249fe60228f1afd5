# SDEI: the dispatcher from inside bare-metal guests, and events the host
# injects with lkvm sdei. The Linux guest's SDEI checks are in linux.sh.

sdei_payload_checks() {
	lkvm_run sdei -k $P/sdei.flat -c 2 -m 64 --sdei
	guest_checks sdei "sdei payload"
	echo "#   sdei: exit status $status"
	expect "sdei payload: lkvm exits 0" [ "$status" = 0 ]

	lkvm_run sdeimmu -k $P/sdei_mmu.flat -c 1 -m 64 --sdei
	guest_checks sdeimmu "sdei MMU on"

	lkvm_run nosdei -k $P/sdei.flat -c 1 -m 64 --dump-dtb /tmp/nosdei.dtb
	expect -f /tmp/nosdei.out "without --sdei: no /firmware/sdei node, calls get KVM's NOT_SUPPORTED" \
		eval 'has nosdei "^FAIL VERSION major is 1\$" &&
		      has nosdei "^PASS an unknown call is NOT_SUPPORTED\$" &&
		      ! grep -q arm,sdei-1.0 /tmp/nosdei.dtb'
}

sd() { lkvm sdei --name sdeihost "$@"; }

# refused FILE PATTERN DESC: a client command whose output and "rc=N" are
# in FILE exited 1 with a line matching PATTERN.
refused() {
	refused_file=$1 refused_pattern=$2
	expect -f "$1" "$3" \
		eval 'grep -q "^rc=1\$" "$refused_file" && grep -qE "$refused_pattern" "$refused_file"'
}

sdei_host_checks() {
	export HOME=/tmp/home
	mkdir -p $HOME
	run=sdeihost
	lkvm run -k $P/sdei_host.flat -c 2 -m 64 --sdei --name sdeihost </dev/null \
		>/tmp/sdeihost.out 2>/tmp/sdeihost.err &
	vm_pid=$!
	{
		wait_line /tmp/sdeihost.out "WAIT A" && sd --signal 1 --vcpu 0
		wait_line /tmp/sdeihost.out "WAIT B" && sd --signal 2 --vcpu 0
		wait_line /tmp/sdeihost.out "WAIT B2" && sd --signal 16
		wait_line /tmp/sdeihost.out "WAIT C" && sd --signal 1 --vcpu 0 &&
			sd --status > /tmp/sdeihost.status && sd --signal 16
		wait_line /tmp/sdeihost.out "WAIT D"
		# While the VM waits: bad requests, a second VM of the same name.
		sd --signal 99 > /tmp/e1 2>&1; echo "rc=$?" >> /tmp/e1
		sd --signal 16 --vcpu 0 > /tmp/e2 2>&1; echo "rc=$?" >> /tmp/e2
		sd --signal 1 --vcpu 7 > /tmp/e3 2>&1; echo "rc=$?" >> /tmp/e3
		sd --signal 2 --vcpu 1 > /tmp/e4 2>&1; echo "rc=$?" >> /tmp/e4
		ctlpoke /tmp/home/.lkvm/sdeihost.sock > /tmp/poke 2>&1; echo "rc=$?" >> /tmp/poke
		lkvm run -k $P/hello.flat -m 64 --name sdeihost </dev/null > /tmp/dup 2>&1
		echo "rc=$?" >> /tmp/dup
		sd --status > /tmp/sdeihost.status2
		sd --signal 17
	} > /tmp/sdeihost.cmds 2>&1
	wait $vm_pid
	status=$?
	guest_checks sdeihost "sdei host injection"
	echo "#   sdeihost: exit status $status"
	expect -f /tmp/sdeihost.err -f /tmp/sdeihost.cmds "sdei host injection: lkvm exits 0" \
		[ "$status" = 0 ]
	expect -f /tmp/sdeihost.status \
		"lkvm sdei --status shows the held event, the masked vCPU, the routing" \
		eval 'grep -q "event 1 (private, normal): vCPU 0 registered, enabled, pending, dispatched 1" /tmp/sdeihost.status &&
		      grep -q "^vCPU 0 (MPIDR 0x80000000): masked, running: none" /tmp/sdeihost.status &&
		      grep -q "event 16 (shared, normal): registered, enabled, dispatched 1, routed to MPIDR 0x1" /tmp/sdeihost.status'
	refused /tmp/e1 "^lkvm: no event 99 in the catalogue" "lkvm sdei --signal 99: no such event, exit 1"
	refused /tmp/e2 "^lkvm: event 16 is shared: the guest's routing picks the vCPU" \
		"lkvm sdei: --vcpu refused for a shared event"
	refused /tmp/e3 "^lkvm: --vcpu 7: the VM has vCPUs 0 to 1" "lkvm sdei: --vcpu out of range refused"
	refused /tmp/e4 "^lkvm: event 2 is not registered by the guest on that vCPU" \
		"lkvm sdei: unregistered event refused"
	refused /tmp/dup "^lkvm: --name sdeihost: a VM of that name is already running" \
		"a second VM with the same name is refused"
	expect -f /tmp/poke -f /tmp/sdeihost.status2 \
		"malformed control messages close their connection; the VM keeps answering" \
		eval 'grep -q "^rc=0\$" /tmp/poke && grep -q "^SDEI 1.1 dispatcher, 2 vCPUs" /tmp/sdeihost.status2'
	lkvm sdei --name sdeihost --status > /tmp/gone 2>&1; echo "rc=$?" >> /tmp/gone
	refused /tmp/gone "^lkvm: --name sdeihost: no VM of that name is running" \
		"lkvm sdei to a VM that has ended: exit 1"
	expect -f none "the control socket is removed at exit" [ ! -e /tmp/home/.lkvm/sdeihost.sock ]
}
