# Debian's 6.12 kernel as the guest: SMP, memory, the command line, and
# SDEI with CPU hotplug.

linux_checks() {
	marker=marker-$$-$(date +%s)
	lkvm_run smp2 -k $KZ -i $I -c 2 -m 512 -p "quiet lkvmtest.marker=$marker lkvmtest.action=reboot"
	echo "#   smp2: exit status $status"
	expect "Linux guest from a gzip-compressed Image, -c 2 -m 512: reaches init; reboot -f: status 2, 'lkvm: guest reset' without a panic" \
		eval '[ "$status" = 2 ] && has smp2 ^L2-INIT-REACHED && grep -qx "lkvm: guest reset" /tmp/smp2.err'
	nproc=$(value smp2 L2-NPROC)
	echo "#   the guest's CPUs: '$nproc'"
	expect -f none "guest sees 2 online CPUs with -c 2" [ "$nproc" = 2 ]
	# MemTotal is RAM less what the kernel reserves for itself: 85%-100% of 512 MiB.
	mem=$(value smp2 L2-MEMTOTAL-KB)
	expect -f none "guest MemTotal ($mem kB) is consistent with -m 512" \
		eval '[ -n "$mem" ] && [ "$mem" -le 524288 ] && [ "$mem" -ge 445644 ]'
	cmdline=$(value smp2 L2-CMDLINE)
	echo "#   the guest's command line: '$cmdline'"
	expect -f none "the guest's /proc/cmdline: lkvm's console= and panic=-1, then -p" \
		eval 'case "$cmdline" in "console=ttyS0 panic=-1 quiet lkvmtest.marker=$marker "*) ;; *) false ;; esac'

	lkvm_run sdeilinux -k $K -i $I -c 2 -m 256 --sdei --loglevel debug -p "quiet lkvmtest.action=hotplug"
	sdei_line=$(tr -d '\r' < /tmp/sdeilinux.out |
		    grep 'L2-DMESG.*sdei: SDEIv1\.1 (0x4c4b564d) detected in firmware\.')
	echo "#   sdeilinux: exit status $status"
	expect "Linux guest with --sdei: 'sdei: SDEIv1.1 (0x4c4b564d) detected in firmware.', no failure" \
		eval '[ "$status" = 0 ] && [ -n "$sdei_line" ] && ! grep -qi "sdei.*fail" /tmp/sdeilinux.out'
	expect -f /tmp/sdeilinux.out \
		"CPU 1 offline and online again: the guest runs on, lkvm saw PE_MASK, CPU_OFF, CPU_ON, PE_UNMASK" \
		eval '[ "$(value sdeilinux L2-NPROC-AFTER)" = 2 ] && has sdeilinux ^L2-CPU1-OFFLINE &&
		      grep -q "vCPU 1: SDEI PE_MASK" /tmp/sdeilinux.err &&
		      [ "$(grep -c "vCPU 1: SDEI PE_UNMASK(" /tmp/sdeilinux.err)" -ge 2 ] &&
		      grep -q "vCPU 1: PSCI CPU_OFF" /tmp/sdeilinux.err &&
		      [ "$(grep -c "vCPU 1: powered on" /tmp/sdeilinux.err)" -ge 2 ]' ||
		grep -E 'SDEI|PSCI|powered' /tmp/sdeilinux.err | tail -n 12 | sed 's/^/#   /'
}
