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
	if [ "$status" = 3 ] && has pvp '^pvpanic at 0x0000000009030000, events 3$' &&
	   has pvp '^reported a panic its crash kernel handles$' &&
	   ! has pvp 'still running' &&
	   [ "$(grep -v '^lkvm: run ' /tmp/pvp.err)" = "lkvm: the guest's crash kernel takes over a panic
lkvm: guest panicked" ]; then
		ok "pvpanic: found in the DT, reads events 3; a crash-kernel panic is noted, a panic ends lkvm with status 3 at once"
	else
		echo "#   exit status $status"
		not_ok "pvpanic: found in the DT, reads events 3; a crash-kernel panic is noted, a panic ends lkvm with status 3 at once" \
			/tmp/pvp.out /tmp/pvp.err
	fi
	lkvm_run nopvp -k $P/pvpanic.flat -c 1 -m 64 --no-pvpanic
	if [ "$status" = 0 ] && has nopvp '^no pvpanic in the device tree$' &&
	   ! grep -q panicked /tmp/nopvp.err; then
		ok "--no-pvpanic: no device in the DT, and the payload powers off (status 0)"
	else
		echo "#   exit status $status"
		not_ok "--no-pvpanic: no device in the DT, and the payload powers off (status 0)" /tmp/nopvp.out /tmp/nopvp.err
	fi

	# Debian's kernels have no pvpanic driver: panic=-1 makes them reset,
	# and lkvm must end within seconds of the panic.
	lkvm run -k $K -i $I -c 2 -m 256 -p "quiet lkvmtest.action=panic" \
		</dev/null >/tmp/lxpanic.out 2>/tmp/lxpanic.err &
	vm_pid=$!
	secs=never
	if wait_line /tmp/lxpanic.out L2-PANICKING; then
		secs=0
		while kill -0 $vm_pid 2>/dev/null && [ $secs -lt 60 ]; do
			sleep 1
			secs=$((secs + 1))
		done
	fi
	kill $vm_pid 2>/dev/null
	wait $vm_pid
	status=$?
	echo "#   lkvm ended ${secs} s after the guest's last line before the panic"
	if [ "$status" = 2 ] && [ "$secs" != never ] && [ "$secs" -le 10 ] &&
	   has lxpanic '^L2-CMDLINE=console=ttyS0 panic=-1 quiet ' &&
	   grep -qE '^lkvm: guest reset after: (\[ *[0-9.]+\] )?Kernel panic - not syncing: sysrq triggered crash$' /tmp/lxpanic.err; then
		ok "a Linux guest that panics resets at once (panic=-1 added): status 2 within 10 s, and the line names the panic"
	else
		echo "#   exit status $status"
		not_ok "a Linux guest that panics resets at once (panic=-1 added): status 2 within 10 s, and the line names the panic" \
			/tmp/lxpanic.out /tmp/lxpanic.err
	fi
	lkvm_run fwpanic --firmware $ROOT/guest/QEMU_EFI.fd -k $K -i $I -c 1 -m 256 -p "quiet lkvmtest.action=panic"
	if [ "$status" = 2 ] && has fwpanic '^L2-CMDLINE=.*panic=-1' &&
	   grep -qE '^lkvm: guest reset after: (\[ *[0-9.]+\] )?Kernel panic - not syncing: sysrq triggered crash$' /tmp/fwpanic.err; then
		ok "the same under UEFI firmware: status 2 and the panic's line"
	else
		echo "#   exit status $status"
		not_ok "the same under UEFI firmware: status 2 and the panic's line" /tmp/fwpanic.out /tmp/fwpanic.err
	fi
}

# option_checks: kvmtool's arm64 run options; this host has MTE.
option_checks() {
	lkvm_run mte -k $P/mte.flat -c 1 -m 64
	if [ "$status" = 0 ] && has mte '^DONE$' && ! has mte '^FAIL'; then
		ok "MTE: a payload's load through a mismatched tag takes a synchronous tag-check fault"
	else
		not_ok "MTE: a payload's load through a mismatched tag takes a synchronous tag-check fault" /tmp/mte.out /tmp/mte.err
	fi
	lkvm_run nomte -k $P/mte.flat -c 1 -m 64 --disable-mte
	if [ "$status" = 0 ] && has nomte '^mte=0$' && has nomte '^no MTE for this guest$'; then
		ok "--disable-mte: the guest's ID registers show no MTE"
	else
		not_ok "--disable-mte: the guest's ID registers show no MTE" /tmp/nomte.out /tmp/nomte.err
	fi

	# Linux: MTE among the CPU features by default; not with --disable-mte.
	lkvm_run lxfeat -k $K -i $I -c 1 -m 256 -p "quiet lkvmtest.action=poweroff"
	lkvm_run lxnofeat -k $K -i $I -c 1 -m 256 --disable-mte -p "quiet lkvmtest.action=poweroff"
	if has lxfeat '^L2-FEATURES=.* mte( |$)' &&
	   has lxnofeat '^L2-FEATURES=' && ! has lxnofeat '^L2-FEATURES=.* mte( |$)'; then
		ok "a Linux guest lists mte in /proc/cpuinfo; with --disable-mte it does not"
	else
		not_ok "a Linux guest lists mte in /proc/cpuinfo; with --disable-mte it does not" \
			/tmp/lxfeat.out /tmp/lxnofeat.out
	fi
}
