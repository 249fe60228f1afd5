# RAS scenarios (lkvm run --ras), sourced by the modes that run them.
# ras_payload_checks PREFIX: the bare-metal payload tests/guest/ras.c with
# its host-side steps; prints TAP lines starting with PREFIX.

rs() { lkvm ras --name ras "$@"; }

# ras_expect FILE PATTERN DESC: FILE (a command's output) matches PATTERN.
ras_expect() {
	expect -f "$1" "$3" grep -qE "$2" "$1"
}

# The status row of source $2 in status file $1: "received delivered queued dropped acked".
ras_counts() {
	awk -v src="$2" '$1 == src && NF >= 9 { print $(NF-4), $(NF-3), $(NF-2), $(NF-1), $NF }' "$1"
}

# ras_corrupt_pfn GPA MIB: make the host kernel find the guest page at GPA
# poisoned, as a patrol scrub would: hwpoison-inject's corrupt-pfn on the
# frame behind it (from /proc/PID/maps and pagemap of lkvm, $lkvm_pid or
# else $vm_pid, whose guest has MIB MiB). Fails where the module is not there.
# child_of PID: the PIDs whose parent is PID (busybox has no pgrep).
child_of() {
	for stat in /proc/[0-9]*/stat; do
		read -r pid comm state ppid rest 2>/dev/null < "$stat" || continue
		[ "$ppid" = "$1" ] && echo "$pid"
	done
}

ras_corrupt_pfn() {
	gpa=$1 ram=$(($2 << 20)) pid=${lkvm_pid:-$vm_pid}
	if [ ! -e /sys/kernel/debug/hwpoison/corrupt-pfn ]; then
		insmod $ROOT/lib/hwpoison-inject.ko || return 1
		mount -t debugfs none /sys/kernel/debug 2>/dev/null
	fi
	start=
	# guest RAM: a mapping of its own, advised for huge pages
	while read -r range perms rest; do
		s=$((0x${range%-*})) e=$((0x${range#*-}))
		[ $((e - s)) = $ram ] && [ "$perms" = rw-p ] && start=$s
	done < /proc/$pid/maps
	[ -n "$start" ] || { echo "no guest RAM mapping in /proc/$pid/maps"; return 1; }
	hva=$((start + gpa - 0x40000000))
	entry=$(dd if=/proc/$pid/pagemap bs=8 skip=$((hva / 4096)) count=1 2>/dev/null | od -An -tx8 | tr -d ' ')
	pfn=$(( 0x$entry & 0x7fffffffffffff ))
	echo "hva $hva pagemap 0x$entry pfn $pfn"
	[ $pfn != 0 ] && echo $pfn > /sys/kernel/debug/hwpoison/corrupt-pfn
}

ras_payload_checks() {
	pfx=$1
	export HOME=/tmp/home
	mkdir -p $HOME
	# On a terminal, as a developer runs it: the terminal's fatal-signal
	# path once replaced RAS's SIGBUS handler, and the first poisoned
	# page killed lkvm.
	ptytest exec lkvm run -k $P/ras.flat -c 1 -m 64 --sdei --ras --name ras >/tmp/ras.out 2>/tmp/ras.err &
	vm_pid=$!
	lkvm_pid=
	{
		wait_line /tmp/ras.out "WAIT serror" &&
			rs --inject memory --gpa 0x40123000 --severity corrected --notify serror > /tmp/ras.serror
		wait_line /tmp/ras.out "WAIT sea" &&
			rs --inject memory --gpa 0x40234000 --notify sea > /tmp/ras.sea
		wait_line /tmp/ras.out "WAIT sdei" &&
			rs --inject memory --gpa 0x40345000 --severity corrected --notify sdei > /tmp/ras.sdei1
		wait_line /tmp/ras.out "WAIT sdei2" &&
			rs --inject memory --gpa 0x40346000 --severity corrected --notify sdei > /tmp/ras.sdei2 &&
			rs --status > /tmp/ras.status1 &&
			lkvm sdei --name ras --signal 2 --vcpu 0
		wait_line /tmp/ras.out "WAIT processor" &&
			rs --inject processor --gpa 0x40456000 --severity corrected --notify sdei > /tmp/ras.proc
		# lkvm runs under ptytest: the pages are its child's.
		wait_line /tmp/ras.out "WAIT ao" && { lkvm_pid=$(child_of $vm_pid)
			ras_corrupt_pfn 0x40900000 64 ||
			lkvm sdei --name ras --signal 2 --vcpu 0; } > /tmp/ras.ao 2>&1
		wait_line /tmp/ras.out "WAIT hwpoison" &&
			rs --hwpoison --gpa 0x40800000 > /tmp/ras.poison 2>&1
		lkvm sdei --name ras --signal 2 --vcpu 0
		wait_line /tmp/ras.out "WAIT lkvmread" &&
			rs --hwpoison --gpa 0x40a00000 > /tmp/ras.poison2 2>&1
		lkvm sdei --name ras --signal 2 --vcpu 0
		wait_line /tmp/ras.out "WAIT storm" && {
			i=0
			while [ $i -lt 100 ]; do
				rs --inject memory --gpa 0x40567000 --severity corrected --notify sdei --count 100 ||
					break
				i=$((i + 1))
			done > /tmp/ras.storm
			# Let the guest drain the queue before it is told to stop.
			n=0
			while rs --status > /tmp/ras.status2 && [ "$(ras_counts /tmp/ras.status2 0 | cut -d' ' -f3)" != 0 ] &&
			      [ $n -lt 60 ]; do
				sleep 1
				n=$((n + 1))
			done
			lkvm sdei --name ras --signal 2 --vcpu 0
		}
		wait_line /tmp/ras.out "WAIT final" && rs --status > /tmp/ras.status3
		# The poisoned pages go into the snapshot as a list, unread.
		rm -rf /tmp/ras.snapdir
		lkvm snapshot --name ras /tmp/ras.snapdir > /tmp/ras.snap 2>&1; echo "rc=$?" >> /tmp/ras.snap
		ctlpoke $HOME/.lkvm/ras.sock > /tmp/ras.poke 2>&1; echo "rc=$?" >> /tmp/ras.poke
		rs --inject memory --gpa 0x40000000 --vcpu 3 > /tmp/ras.e1 2>&1; echo "rc=$?" >> /tmp/ras.e1
		lkvm sdei --name ras --signal 2 --vcpu 0
	} > /tmp/ras.cmds 2>&1
	wait $vm_pid
	status=$?
	lkvm_pid=
	# That snapshot restored: the payload goes on from "final" again.
	lkvm run --restore /tmp/ras.snapdir --name rasr </dev/null >/tmp/rasr.out 2>/tmp/rasr.err &
	vm_pid=$!
	{ wait_socket rasr && lkvm sdei --name rasr --signal 2 --vcpu 0; } > /tmp/rasr.cmds 2>&1
	wait $vm_pid
	rstatus=$?
	guest_checks ras "$pfx"
	echo "#   ras: exit status $status"
	expect -f /tmp/ras.err -f /tmp/ras.cmds \
		"$pfx: lkvm on a terminal exits 0 after the host poison and the storm" [ "$status" = 0 ]
	ras_expect /tmp/ras.serror '^corrected error written to source 2 \(serror\); notified by serror$' \
		"$pfx: lkvm ras --inject reports the record written and the SError"
	ras_expect /tmp/ras.sdei2 '^corrected error queued for source 0 \(sdei event 16\); will notify by sdei$' \
		"$pfx: a second error while the guest holds the block is queued"
	ras_expect /tmp/ras.status1 '^0 +sdei event 16 +full +0 +2 +1 +1 +0 +0$' \
		"$pfx: lkvm ras --status: source 0 full, not acked, 2 received, 1 delivered, 1 queued"
	ras_expect /tmp/ras.status1 'physical_address: 0x0000000040345000' \
		"$pfx: lkvm ras --status decodes the record the block holds"
	expect -f /tmp/ras.snap "$pfx: lkvm snapshot of the VM with poisoned RAM" \
		eval 'grep -q "^rc=0\$" /tmp/ras.snap && [ -e /tmp/ras.snapdir/manifest ]'
	guest_checks rasr "$pfx: restored at final"
	expect -f /tmp/rasr.err -f /tmp/rasr.cmds \
		"$pfx: restored at final: lkvm exits 0, the guest's access to the page the host poisoned is recorded" \
		eval '[ "$rstatus" = 0 ] &&
			grep -q "ras: host memory error: guest page 0x40800000 (4096 bytes) is poisoned" /tmp/rasr.err'
	ras_expect /tmp/ras.poison '^guest page 0x40800000 is poisoned in the host$' \
		"$pfx: lkvm ras --hwpoison poisons the page (MADV_HWPOISON)"
	expect -f /tmp/ras.err "$pfx: lkvm caught the SIGBUS of the guest's access and named the guest page" \
		grep -q 'ras: host memory error: guest page 0x40800000 (4096 bytes) is poisoned' /tmp/ras.err
	expect -f /tmp/ras.err -f /tmp/ras.poison2 \
		"$pfx: lkvm survived its own read of a poisoned guest page and named the guest page" \
		eval 'grep -q "ras: lkvm read poisoned guest memory at 0x[0-9a-f]*; the page now reads as zeros" /tmp/ras.err &&
			grep -q "ras: host memory error: guest page 0x40a00000 (4096 bytes) is poisoned" /tmp/ras.err'
	if [ -e $ROOT/lib/hwpoison-inject.ko ]; then
		expect -f /tmp/ras.err -f /tmp/ras.ao "$pfx: lkvm caught BUS_MCEERR_AO for poison the host found in guest RAM" \
			grep -q 'ras: host memory error: guest page 0x40900000 (4096 bytes) is poisoned' /tmp/ras.err
	fi
	# Storm: counters balance, the guest handled exactly what was delivered.
	set -- $(ras_counts /tmp/ras.status3 0)
	received=${1:-0} delivered=${2:-0} queued=${3:-0} dropped=${4:-0} acked=${5:-0}
	handled=$(tr -d '\r' < /tmp/ras.out | sed -n 's/^STORM handled \([0-9]*\) .*/\1/p')
	echo "#   storm: received $1 delivered $2 queued $3 dropped $4 acked $5; guest handled $handled"
	# The storm's 10,000 come after the SDEI records of the earlier steps:
	# three, lkvm's own read of poison, and the background poison's where
	# the host could make one (the guest touches that page again later).
	early=$((4 + $(grep -c '^PASS poison the host found in the background' /tmp/ras.lines)))
	expect -f /tmp/ras.status3 -f /tmp/ras.storm \
		"$pfx: storm of 10,000: received = delivered + queued + dropped, all delivered were handled and acked" \
		[ "$received" = $((10000 + early)) -a $((delivered + queued + dropped)) = "$received" \
		  -a "$queued" = 0 -a "$handled" = $((delivered - early)) -a "$acked" = "$delivered" ]
	multi=$(tr -d '\r' < /tmp/ras.out | sed -n 's/^STORM .* multiple \([0-9]*\)$/\1/p')
	echo "#   storm: records with the multiple-errors bit: ${multi:-none}"
	expect -f /tmp/ras.out "$pfx: after drops, records carry the multiple-errors bit" \
		eval '[ "$dropped" = 0 ] || [ "${multi:-0}" -gt 0 ]'
	expect -f /tmp/ras.poke "$pfx: malformed control messages close their connection only" \
		grep -q '^rc=0$' /tmp/ras.poke
	expect -f /tmp/ras.e1 "$pfx: then the VM still answers: --inject --vcpu 3 on a 1-vCPU VM is refused" \
		eval 'grep -q "^rc=1\$" /tmp/ras.e1 &&
			grep -qE "^lkvm: --vcpu 3: the VM has vCPUs 0 to 0\$" /tmp/ras.e1'
}

# ras_smp_checks PREFIX: tests/guest/ras_smp.c on 2 vCPUs; errors aimed at
# one vCPU reach that vCPU only.
ras_smp_checks() {
	pfx=$1
	export HOME=/tmp/home
	mkdir -p $HOME
	lkvm run -k $P/ras_smp.flat -c 2 -m 64 --ras --name rassmp </dev/null >/tmp/rassmp.out 2>/tmp/rassmp.err &
	vm_pid=$!
	{
		wait_line /tmp/rassmp.out "WAIT sea1" &&
			lkvm ras --name rassmp --inject memory --gpa 0x40610000 --notify sea --vcpu 1 > /tmp/rassmp.sea1
		wait_line /tmp/rassmp.out "WAIT serror1" &&
			lkvm ras --name rassmp --inject memory --gpa 0x40620000 --severity corrected \
				--notify serror --vcpu 1
		wait_line /tmp/rassmp.out "WAIT processor1" &&
			lkvm ras --name rassmp --inject processor --gpa 0x40630000 --notify sea --vcpu 1
		wait_line /tmp/rassmp.out "WAIT sea0" &&
			lkvm ras --name rassmp --inject memory --gpa 0x40640000 --notify sea --vcpu 0
	} > /tmp/rassmp.cmds 2>&1
	wait $vm_pid
	status=$?
	guest_checks rassmp "$pfx"
	echo "#   rassmp: exit status $status"
	expect -f /tmp/rassmp.err -f /tmp/rassmp.cmds "$pfx: lkvm exits 0" [ "$status" = 0 ]
	ras_expect /tmp/rassmp.sea1 '^recoverable error written to source 4 \(sea vcpu 1\); notified by sea$' \
		"$pfx: lkvm ras --inject --vcpu 1 names vCPU 1's SEA source"
}

# alive_count: how many L2-ALIVE lines the Linux guest has printed.
alive_count() { tr -d '\r' < /tmp/raslinux.out | grep -c '^L2-ALIVE'; }

# ras_linux_checks PREFIX: a Linux guest survives a corrected error
# notified by SError and dies of a fatal one, printing the syndrome.
ras_linux_checks() {
	pfx=$1
	lkvm run -k $K -i $I -c 1 -m 256 --ras --name raslinux -p "quiet lkvmtest.action=ras" \
		</dev/null >/tmp/raslinux.out 2>/tmp/raslinux.err &
	vm_pid=$!
	ready=no survived=no panicked=no
	if wait_line /tmp/raslinux.out "L2-RAS-READY"; then
		ready=yes
		lkvm ras --name raslinux --inject memory --gpa 0x48000000 --severity corrected \
			--notify serror > /tmp/raslinux.cmds 2>&1
		lkvm ras --name raslinux --inject memory --gpa 0x48000000 --notify sdei > /tmp/raslinux.nosdei 2>&1
		echo "rc=$?" >> /tmp/raslinux.nosdei
		before=$(alive_count)
		n=0
		while [ $n -lt 30 ] && [ "$(alive_count)" -lt $((before + 3)) ]; do sleep 1; n=$((n + 1)); done
		[ "$(alive_count)" -ge $((before + 3)) ] && survived=yes
		lkvm ras --name raslinux --inject memory --gpa 0x48001000 --severity fatal \
			--notify serror >> /tmp/raslinux.cmds 2>&1
		n=0
		# the whole line: the console may have printed only part of it
		until tr -d '\r' < /tmp/raslinux.out | grep -q 'SError Interrupt on CPU0, code 0x[0-9a-f]* -- '; do
			n=$((n + 1))
			[ $n -gt 60 ] && break
			sleep 1
		done
	fi
	kill $vm_pid 2>/dev/null
	wait $vm_pid
	expect -f /tmp/raslinux.out -f /tmp/raslinux.err "$pfx: the guest's device tree reserves ras-errors@..." \
		eval '[ "$ready" = yes ] && tr -d "\r" < /tmp/raslinux.out | grep -q "^L2-RESERVED ras-errors@"'
	expect -f /tmp/raslinux.nosdei "$pfx: --notify sdei to a VM without --sdei is refused" \
		eval 'grep -q "^rc=1\$" /tmp/raslinux.nosdei &&
			grep -q "^lkvm: --notify sdei: VM '\''raslinux'\'' runs without --sdei\$" /tmp/raslinux.nosdei'
	expect -f /tmp/raslinux.out -f /tmp/raslinux.cmds "$pfx: a corrected error notified by SError leaves the guest running" \
		[ "$survived" = yes ]
	line=$(tr -d '\r' < /tmp/raslinux.out | grep -m1 'SError Interrupt on CPU0')
	echo "#   $line"
	# EC 0x2F, IL, ISS 0x411: AET UEU, DFSC 0x11
	expect -f /tmp/raslinux.out -f /tmp/raslinux.cmds \
		"$pfx: a fatal one: 'SError Interrupt on CPU0, code 0x...be000411' with the injected syndrome" \
		eval 'printf "%s\n" "$line" | grep -q "SError Interrupt on CPU0, code 0x.*be000411 -- SError"'
}

# ras_cli_checks: lkvm ras's own mistakes, each one line and exit 1, and
# --decode on a block (the memory-error vector of tests/unit/test_cper.c).
ras_cli_checks() {
	{
	printf '\021\000\000\000\000\000\000\000\000\000\000\000\230\000\000\000\000\000\000\000\024\021\274\245\144\157\336\116\270\143\076\203\355\174\203\261\000\000\000\000\000\003\004\001\120\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000'
	printf '\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\003\105\027\001\041\021\046\040\006\100\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\200\240\100\000\000\000\000\000\360\377\377\377\377\377\377\000\000\000\000'
	printf '\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\003\000\000\000\000\000\000\000'
	} > /tmp/block.bin
	lkvm ras --decode /tmp/block.bin > /tmp/decode.out 2>&1
	decode_status=$?
	expect -f /tmp/decode.out "lkvm ras --decode prints a memory error block" \
		eval '[ $decode_status = 0 ] && grep -q "^  physical_address: 0x0000000040a08000\$" /tmp/decode.out &&
			grep -q "^  timestamp: 2026-11-21 17:45:03 (precise)\$" /tmp/decode.out'
	head -c 171 /tmp/block.bin > /tmp/short.bin
	cli_bad "--decode of a block cut short" 'decode /tmp/short.bin: Truncated error status block' --decode /tmp/short.bin
	cli_bad "no --name" '^lkvm: ras: --name: which VM' --inject memory --gpa 0x40000000
	cli_bad "--inject of an unknown kind" "^lkvm: ras: --inject disk: not one of the choices" --name x --inject disk
	cli_bad "--inject memory without --gpa" '^lkvm: ras: --inject memory needs --gpa ADDR' --name x --inject memory
	cli_bad "--gpa that is not a number" '^lkvm: ras: --gpa zz: not an address' --name x --inject memory --gpa zz
	cli_bad "--severity unknown" '^lkvm: ras: --severity bad: not one of the choices' --name x --inject memory --gpa 0 --severity bad
	cli_bad "--count 0" '^lkvm: ras: --count 0: give 1 to 100000' --name x --inject memory --gpa 0 --count 0
	cli_bad "--vcpu with --status" '^lkvm: ras: --severity, --notify, --vcpu and --count go with --inject' --name x --status --vcpu 1
	cli_bad "a VM that is not running" "^lkvm: --name nosuchvm: no VM of that name is running" --name nosuchvm --status
	cli_bad "--decode of a missing file" '^lkvm: ras: --decode /nonexistent: No such file' --decode /nonexistent
}

cli_bad() { # DESC PATTERN ARGS...
	desc=$1 want=$2
	shift 2
	one_line_error "lkvm ras, bad input: $desc" "$want" lkvm ras "$@"
}

# ras_unacked_checks: a guest that never acknowledges a record must not
# keep lkvm polling its blocks a thousand times a second.
ras_unacked_checks() {
	export HOME=/tmp/home
	mkdir -p $HOME
	# echo.flat says ready, then waits for input in silence: nothing but
	# the poll wakes the I/O thread.
	lkvm run -k $P/echo.flat -c 1 -m 64 --sdei --ras --name unacked </dev/null \
		>/tmp/unacked.out 2>/tmp/unacked.err &
	vm_pid=$!
	wait_line /tmp/unacked.out "ready"
	# The SDEI source's block fills; the next two records wait for an ack.
	for gpa in 0x40123000 0x40124000 0x40125000; do
		lkvm ras --name unacked --inject memory --gpa $gpa --severity corrected \
			--notify sdei >> /tmp/unacked.inject 2>&1
	done
	sleep 3	# past the fast polls, into the slowest pace
	before=$(sed -n 's/^voluntary_ctxt_switches:[[:space:]]*//p' /proc/$vm_pid/status)
	sleep 5
	after=$(sed -n 's/^voluntary_ctxt_switches:[[:space:]]*//p' /proc/$vm_pid/status)
	lkvm ras --name unacked --status > /tmp/unacked.status 2>&1
	lkvm stop --name unacked >/dev/null 2>&1
	wait $vm_pid
	wakeups=$((after - before))
	echo "#   I/O thread wake-ups in 5 s with records waiting: $wakeups"
	set -- $(ras_counts /tmp/unacked.status 0)
	echo "#   records queued: '$3'"
	expect -f /tmp/unacked.status -f /tmp/unacked.inject -f /tmp/unacked.err \
		"ras: records waiting for an ack that never comes: lkvm polls at most once a second" \
		[ "$3" = 2 -a "$wakeups" -lt 50 ]
}
