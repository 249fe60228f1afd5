# lkvm in place of kvmtool, sourced by mode-check.sh: kvm-unit-tests'
# probe, a guest's end told by the exit status, and kvmtool's arm64 run
# options.

# probe DESCRIPTION PATTERN OPTION...: kvm-unit-tests' host probe with
# these options prints one line matching PATTERN.
probe() {
	desc=$1 want=$2
	shift 2
	one_line_error "probe: $desc" "$want" timeout 600 lkvm run --kernel _NO_FILE_4Uhere_ "$@"
}

# What this host cannot give is named before the kernel is opened; what
# it can run gets the kernel message, word for word.
probe_checks() {
	probe "a configuration this host can run gets the kernel message" \
		'^Fatal: Unable to open kernel _NO_FILE_4Uhere_$' \
		-c 2 -m 256 --irqchip gicv3-its --pmu
	probe "--irqchip gicv2, on a GICv3 without GICv2 compatibility" \
		'^lkvm: --irqchip gicv2: this host cannot give the guest a GICv2: ' --irqchip gicv2
	probe "--nested, without KVM_CAP_ARM_EL2" \
		"^lkvm: --nested: this host's KVM cannot give guests EL2 \\(no KVM_CAP_ARM_EL2\\)\$" --nested
	probe "--cpus above KVM's limit" \
		"^lkvm: --cpus 4096: above this host's limit of [0-9]+ vCPUs\$" -c 4096
	probe "--mem beyond the host's guest address space" \
		"^lkvm: --mem: guest RAM would end at 0x[0-9a-f]+, beyond this host's [0-9]+-bit guest address space\$" \
		-m 16384T
}

# panic_checks: a guest's end, told apart by lkvm's exit status: 0 powered
# off, 2 reset (a reboot, or a panic under the default panic=-1, with the
# panic's line), 3 a panic reported through pvpanic.
panic_checks() {
	lkvm_run pvp -k $P/pvpanic.flat -c 1 -m 64
	echo "#   exit status $status"
	expect -f /tmp/pvp.out -f /tmp/pvp.err \
		"pvpanic: found in the DT, reads events 3; a crash-kernel panic is noted, a panic ends lkvm with status 3 at once" \
		eval '[ "$status" = 3 ] && has pvp "^pvpanic at 0x0000000009030000, events 3\$" &&
			has pvp "^reported a panic its crash kernel handles\$" &&
			! has pvp "still running" &&
			[ "$(grep -v "^lkvm: run " /tmp/pvp.err)" = "lkvm: warning: the guest'\''s crash kernel takes over a panic
lkvm: guest panicked" ]'
	lkvm_run nopvp -k $P/pvpanic.flat -c 1 -m 64 --no-pvpanic
	echo "#   exit status $status"
	expect -f /tmp/nopvp.out -f /tmp/nopvp.err "--no-pvpanic: no device in the DT, and the payload powers off (status 0)" \
		eval '[ "$status" = 0 ] && has nopvp "^no pvpanic in the device tree\$" &&
			! grep -q panicked /tmp/nopvp.err'

	# Debian's kernels have no pvpanic driver: panic=-1 makes them reset,
	# and lkvm must end within seconds of the panic. Another CPU's output
	# may be mixed into any line, and what init wrote last can be lost in
	# the UART's buffer when the panic starts: the panic's own text, which
	# printk writes synchronously, is looked for anywhere in a line. An
	# lkvm that ended between two polls ended within a second of it.
	lkvm run -k $K -i $I -c 2 -m 256 -p "quiet lkvmtest.action=panic" \
		</dev/null >/tmp/lxpanic.out 2>/tmp/lxpanic.err &
	vm_pid=$!
	secs=never
	if wait_line /tmp/lxpanic.out ".*sysrq triggered crash" ||
	   grep -q "sysrq triggered crash" /tmp/lxpanic.out; then
		secs=0
		while kill -0 $vm_pid 2>/dev/null && [ $secs -lt 60 ]; do
			sleep 1
			secs=$((secs + 1))
		done
	fi
	kill $vm_pid 2>/dev/null
	wait $vm_pid
	status=$?
	echo "#   lkvm ended ${secs} s after the guest's panic line"
	echo "#   exit status $status"
	expect -f /tmp/lxpanic.out -f /tmp/lxpanic.err \
		"a Linux guest that panics resets at once (panic=-1 added): status 2 within 10 s, and the line names the panic" \
		eval '[ "$status" = 2 ] && [ "$secs" != never ] && [ "$secs" -le 10 ] &&
			has lxpanic "^L2-CMDLINE=console=ttyS0 panic=-1 quiet " &&
			grep -qE "^lkvm: guest reset after: .*Kernel panic - not syncing: sysrq triggered crash\$" /tmp/lxpanic.err'
	lkvm_run fwpanic --firmware $ROOT/guest/QEMU_EFI.fd -k $K -i $I -c 1 -m 256 -p "quiet lkvmtest.action=panic"
	echo "#   exit status $status"
	expect -f /tmp/fwpanic.out -f /tmp/fwpanic.err "the same under UEFI firmware: status 2 and the panic's line" \
		eval '[ "$status" = 2 ] && has fwpanic "^L2-CMDLINE=.*panic=-1" &&
			grep -qE "^lkvm: guest reset after: .*Kernel panic - not syncing: sysrq triggered crash\$" /tmp/fwpanic.err'
}

# thread_cpus PID NAME: the CPUs thread NAME of PID may run on.
thread_cpus() {
	for t in /proc/$1/task/*; do
		[ "$(cat $t/comm)" = "$2" ] &&
			sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' $t/status
	done
}

# option_checks: kvmtool's arm64 run options, on the features payload
# (tests/guest/features.c: what the guest was given, as KEY=value lines)
# and on the MTE payload; this host has MTE, SVE and stolen time.
option_checks() {
	lkvm_run featdef -k $P/features.flat -c 1 -m 64
	echo "#   defaults: $(tr -d '\r' < /tmp/featdef.out | tr '\n' ' ')"
	expect -f /tmp/featdef.out -f /tmp/featdef.err \
		"by default, as kvmtool: MTE, SVE at the host's longest vector, stolen time at 0x9040000, a KASLR seed; the counter starts at the VM's creation" \
		eval '[ "$status" = 0 ] && has featdef "^mte=[23]\$" && has featdef "^sve=1\$" &&
			has featdef "^sve-vl-bits=(512|1024|2048)\$" && has featdef "^pvtime=0x0000000009040000\$" &&
			has featdef "^timer-frequency=none\$" && has featdef "^kaslr-seed=0x[0-9a-f]{16}\$" &&
			has featdef "^counter-seconds=[0-4]\$"'

	uptime=$(cut -d. -f1 /proc/uptime)
	lkvm_run featset -k $P/features.flat -c 1 -m 64 --disable-mte --sve-max-vl 256 --no-pvtime \
		--kaslr-seed 0x1122334455667788 --override-bad-firmware-cntfrq 24000000 --counter-offset 0
	secs=$(value featset counter-seconds)
	echo "#   set: $(tr -d '\r' < /tmp/featset.out | tr '\n' ' ')(host uptime ${uptime} s)"
	expect -f /tmp/featset.out -f /tmp/featset.err \
		"--disable-mte --sve-max-vl 256 --no-pvtime --kaslr-seed --override-bad-firmware-cntfrq --counter-offset 0: each is what the guest sees" \
		eval '[ "$status" = 0 ] && has featset "^mte=0\$" && has featset "^sve-vl-bits=256\$" &&
			has featset "^pvtime=none\$" && has featset "^kaslr-seed=0x1122334455667788\$" &&
			has featset "^timer-frequency=24000000\$" && [ "$uptime" -ge 6 ] &&
			[ -n "$secs" ] && [ "$secs" -ge "$uptime" ] && [ "$secs" -le $((uptime + 60)) ]'

	lkvm_run mte -k $P/mte.flat -c 1 -m 64
	expect -f /tmp/mte.out -f /tmp/mte.err "MTE: a payload's load through a mismatched tag takes a synchronous tag-check fault" \
		eval '[ "$status" = 0 ] && has mte "^DONE\$" && ! has mte "^FAIL"'
	lkvm_run nomte -k $P/mte.flat -c 1 -m 64 --disable-mte
	expect -f /tmp/nomte.out -f /tmp/nomte.err "--disable-mte: the guest's ID registers show no MTE" \
		eval '[ "$status" = 0 ] && has nomte "^mte=0\$" && has nomte "^no MTE for this guest\$"'

	# Linux: MTE among the CPU features and stolen time by default; neither
	# with --disable-mte --no-pvtime.
	lkvm_run lxfeat -k $K -i $I -c 1 -m 256 -p "quiet lkvmtest.action=poweroff"
	lkvm_run lxnofeat -k $K -i $I -c 1 -m 256 --disable-mte --no-pvtime -p "quiet lkvmtest.action=poweroff"
	expect -f /tmp/lxfeat.out -f /tmp/lxnofeat.out \
		"a Linux guest lists mte in /proc/cpuinfo and uses stolen time; with --disable-mte --no-pvtime neither" \
		eval 'has lxfeat "^L2-FEATURES=.* mte( |\$)" && has lxfeat "^L2-STOLEN-TIME=yes\$" &&
			has lxnofeat "^L2-FEATURES=" && ! has lxnofeat "^L2-FEATURES=.* mte( |\$)" &&
			has lxnofeat "^L2-STOLEN-TIME=no\$"'

	one_line_error "bad input: --sve-max-vl beyond the architecture's 2048 bits" \
		'^lkvm: --sve-max-vl 4096: must be a multiple of 128 bits, from 128 to 2048$' \
		timeout 600 lkvm run -k $P/hello.flat --sve-max-vl 4096
	one_line_error "bad input: kvmtool's --vnc, which lkvm does not have" \
		"^lkvm: --vnc: kvmtool's option, not lkvm's: lkvm has no framebuffer\$" \
		timeout 600 lkvm run -k $P/hello.flat --vnc

	lkvm_run a32 -k $P/a32-hello.flat -c 1 -m 64 --aarch32
	expect -f /tmp/a32.out -f /tmp/a32.err \
		"--aarch32: a 32-bit payload starts in SVC mode with r2 at the DTB, prints and powers off" \
		eval '[ "$status" = 0 ] && has a32 "^hello from AArch32\$" && has a32 "^started in SVC mode\$" &&
			has a32 "^r2 points at a device tree\$"'

	one_line_error "bad input: --aarch32 with an arm64 Image" \
		"^lkvm: --aarch32: kernel $K is an arm64 Image; a 32-bit guest boots a zImage or a flat binary\$" \
		timeout 600 lkvm run -k $K --aarch32

	lkvm run -k $P/ticker.flat -c 2 -m 64 --vcpu-affinity 1 </dev/null >/tmp/aff.out 2>/tmp/aff.err &
	vm_pid=$!
	wait_line /tmp/aff.out "TICK 3"
	v0=$(thread_cpus $vm_pid lkvm-vcpu-0) v1=$(thread_cpus $vm_pid lkvm-vcpu-1)
	io=$(thread_cpus $vm_pid lkvm-io)
	kill $vm_pid
	wait $vm_pid
	echo "#   vCPU threads on '$v0' and '$v1', the I/O thread on '$io'"
	expect -f /tmp/aff.err "--vcpu-affinity 1: both vCPU threads run on CPU 1 only, the I/O thread anywhere" \
		[ "$v0" = 1 -a "$v1" = 1 -a "$io" = 0-1 ]

	mkdir -p /tmp/huge
	mount -t hugetlbfs none /tmp/huge
	echo 64 > /proc/sys/vm/nr_hugepages
	free0=$(sed -n 's/^HugePages_Free: *//p' /proc/meminfo)
	lkvm run -k $P/ticker.flat -c 1 -m 64 --hugetlbfs /tmp/huge --disable-mte </dev/null >/tmp/huge.out 2>/tmp/huge.err &
	vm_pid=$!
	wait_line /tmp/huge.out "TICK 3"
	free1=$(sed -n 's/^HugePages_Free: *//p' /proc/meminfo)
	kill $vm_pid
	wait $vm_pid
	free2=$(sed -n 's/^HugePages_Free: *//p' /proc/meminfo)
	echo "#   free huge pages: $free0 before, $free1 while the guest ran, $free2 after"
	expect -f /tmp/huge.out -f /tmp/huge.err "--hugetlbfs: guest RAM comes from the host's huge pages, given back at exit" \
		eval '[ "$free0" = 64 ] && [ "$free1" -lt 64 ] && [ "$free2" = 64 ] && has huge "^TICK 3"'
	one_line_error "bad input: --hugetlbfs on a directory that is not hugetlbfs" \
		'^lkvm: --hugetlbfs /tmp: not a hugetlbfs mount$' \
		timeout 600 lkvm run -k $P/hello.flat -m 64 --hugetlbfs /tmp
	one_line_error "bad input: --hugetlbfs with RAM that is not whole huge pages" \
		'^lkvm: --hugetlbfs /tmp/huge: guest RAM \(65 MiB\) is not a whole number of its 2048 KiB pages$' \
		timeout 600 lkvm run -k $P/hello.flat -m 65 --hugetlbfs /tmp/huge
	# Linux 6.12's KVM maps no hugetlbfs memory into a VM with MTE.
	one_line_error "bad input: --hugetlbfs where KVM refuses it to an MTE guest" \
		'^lkvm: --hugetlbfs /tmp/huge: this host.s KVM refuses huge pages to a VM with MTE \(Invalid argument\); add --disable-mte$' \
		timeout 600 lkvm run -k $P/hello.flat -m 64 --hugetlbfs /tmp/huge
	echo 0 > /proc/sys/vm/nr_hugepages
	umount /tmp/huge

	lkvm_run dbgmmio -k $P/hello.flat -c 1 -m 64 --debug-mmio --force-pci --no-dhcp --debug-ioport
	expect -f /tmp/dbgmmio.out -f /tmp/dbgmmio.err \
		"--debug-mmio warns of the guest's access nothing handles (with --force-pci --no-dhcp --debug-ioport accepted)" \
		eval '[ "$status" = 0 ] && has dbgmmio "^unmapped MMIO reads as zero\$" &&
			grep -qx "lkvm: warning: vCPU 0: unhandled MMIO read of 4 bytes at 0xa000000" /tmp/dbgmmio.err'
	lkvm_run step -k $P/hello.flat -c 1 -m 64 --debug-single-step
	steps=$(grep -c '^lkvm: vCPU 0: step, PC 0x' /tmp/step.err)
	echo "#   $steps steps"
	expect -f /tmp/step.out -f /tmp/step.err \
		"--debug-single-step: one line per instruction, from the entry point on, and the payload completes" \
		eval '[ "$status" = 0 ] && has step "^hello from a flat binary\$" && [ "$steps" -ge 50 ] &&
			grep -q "^lkvm: vCPU 0: step, PC 0x40080004\$" /tmp/step.err'
}

# kvmtool's default kernel when none is given: a kernel tree's
# arch/arm64/boot/Image in the current directory, else the host's own
# /boot/vmlinuz-RELEASE with its initrd; none there: one line.
default_kernel_checks() {
	release=$(uname -r)
	release_re=$(echo "$release" | sed 's/[.+]/\\&/g')
	one_line_error "no -k and no kernel of the host's: one line, exit 1" \
		"^lkvm: no kernel given \(use -k/--kernel FILE\), and neither arch/arm64/boot/Image here nor /boot/vmlinuz-$release_re is there\$" \
		timeout 600 lkvm run -c 1 -m 64
	mkdir -p /tmp/ktree/arch/arm64/boot
	ln -sf $P/hello.flat /tmp/ktree/arch/arm64/boot/Image
	(cd /tmp/ktree && lkvm_run ktree -c 1 -m 64 && echo "$status" > /tmp/ktree.status)
	status=$(cat /tmp/ktree.status 2>/dev/null) run=ktree
	expect "no -k in a kernel tree: its arch/arm64/boot/Image boots, and lkvm says so" \
		eval '[ "$status" = 0 ] && has ktree "^hello from a flat binary\$" &&
		      grep -q "^lkvm: kernel: $P/hello.flat, as no -k was given\$" /tmp/ktree.err'
	mkdir -p /boot
	ln -sf $K /boot/vmlinuz-$release
	ln -sf $I /boot/initrd.img-$release
	lkvm_run hostkernel -c 1 -m 256 -p "quiet lkvmtest.action=poweroff"
	rm -f /boot/vmlinuz-$release /boot/initrd.img-$release
	expect "no -k: the host's own kernel boots with its initrd, and lkvm says which" \
		eval '[ "$status" = 0 ] && has hostkernel "^L2-INIT-REACHED" &&
		      grep -q "^lkvm: kernel: $K, as no -k was given; initrd: $I\$" /tmp/hostkernel.err'
}
