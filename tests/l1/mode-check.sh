# The integration suite, run by the emulated host's init (or natively on
# an arm64 KVM host, with everything under $ROOT). Prints TAP.
. "$ROOT/lib.sh"
. "$ROOT/ras.sh"
. "$ROOT/control.sh"
. "$ROOT/virtio.sh"
. "$ROOT/firmware.sh"
. "$ROOT/sandbox.sh"
. "$ROOT/dropin.sh"

K=$ROOT/guest/Image
KZ=$ROOT/guest/Image.gz
I=$ROOT/guest/initrd.cpio.gz
P=$ROOT/payloads

echo "# host: $(uname -r), $(nproc) CPUs, /dev/kvm $(test -c /dev/kvm && echo present || echo MISSING)"

# --- the command itself ------------------------------------------------------
version=$(lkvm version 2>&1)
case "$?:$version" in
"0:lkvm version "?*) ok "lkvm version prints the version" ;;
*) not_ok "lkvm version prints the version (got '$version')" ;;
esac
if lkvm --help 2>&1 | grep -q "The most commonly used" &&
   lkvm run --help 2>&1 | grep -q "The most commonly used" &&
   lkvm run --help 2>&1 | grep -q -- "--irqchip"; then
	ok "lkvm --help and lkvm run --help say 'The most commonly used'"
else
	not_ok "lkvm --help and lkvm run --help say 'The most commonly used'"
fi
if lkvm run --sdei --help | grep -qE '^ +17 +shared +critical +host-injected'; then
	ok "lkvm run --sdei --help prints the SDEI event catalogue"
else
	not_ok "lkvm run --sdei --help prints the SDEI event catalogue"
fi

# --- bad input: exit status 1 and exactly one line naming the problem ------
bad() {
	desc=$1 want=$2
	shift 2
	one_line_error "bad input: $desc" "$want" timeout 600 lkvm run "$@"
}

: > /tmp/empty
echo init | cpio -o -H newc > /tmp/initramfs.cpio 2>/dev/null
dd if=/dev/zero of=/tmp/big.flat bs=1M seek=80 count=0 2>/dev/null
dd if=/dev/zero of=/tmp/big.initrd bs=1M seek=40 count=0 2>/dev/null

bad "missing kernel" '^Fatal: Unable to open kernel /nonexistent/Image$' -k /nonexistent/Image
bad "unreadable kernel (a directory)" "^Fatal: Unable to open kernel $ROOT/guest\$|is not an arm64 Image" -k "$ROOT/guest"
bad "empty kernel file" '^lkvm: kernel /tmp/empty is not an arm64 Image nor a flat binary: is empty$' -k /tmp/empty
bad "ELF file as kernel" "kernel $ROOT/bin/busybox is not an arm64 Image nor a flat binary: an ELF file" -k "$ROOT/bin/busybox"
bad "cpio archive as kernel" 'is not an arm64 Image nor a flat binary: a cpio archive' -k /tmp/initramfs.cpio
bad "gzip file that is not an Image" 'gzip-compressed file is not an arm64 Image' -k $I -m 128
bad "kernel larger than RAM" '^lkvm: kernel /tmp/big.flat: kernel needs 81 MiB of guest RAM but only 62 MiB' -k /tmp/big.flat -m 64
bad "initrd that does not fit" '^lkvm: initrd of 40 MiB does not fit in guest RAM' -k $K -i /tmp/big.initrd -m 64
bad "missing initrd" '^lkvm: initrd /nonexistent: cannot open: No such file' -k $K -i /nonexistent
bad "--cpus 0" '^lkvm: --cpus 0: must be at least 1$' -k $K -c 0
bad "--cpus above the KVM limit" "^lkvm: --cpus 4096: above this host's limit of [0-9]+ vCPUs$" -k $K -c 4096
bad "--cpus above lkvm's GICv3 layout" "^lkvm: --cpus 200: lkvm's memory map has GICv3 redistributors for at most 123 vCPUs$" -k $K -c 200
bad "--mem below 64 MiB" '^lkvm: --mem 32: must be at least 64 MiB$' -k $K -m 32
bad "--mem not a number" '^lkvm: --mem lots: not a size' -k $K --mem lots
bad "unknown option" "^lkvm: unknown option '--frobnicate'" -k $K --frobnicate
bad "--sandbox given a kvmtool rootfs script" "^lkvm: --sandbox init.sh: must be on or off" -k $K --sandbox init.sh
bad "--sandbox-selftest of an unknown thread" '^lkvm: --sandbox-selftest net: must be main, io or vcpu$' -k $K --sandbox-selftest net
bad "--sandbox-selftest with --sandbox off" '^lkvm: --sandbox-selftest: needs the sandbox, not --sandbox off$' \
	-k $K --sandbox off --sandbox-selftest io
# QEMU 7.2's -cpu max has no FEAT_NV2, so this host's KVM offers no EL2.
bad "--nested where KVM cannot give EL2" "^lkvm: --nested: this host's KVM cannot give guests EL2 \\(no KVM_CAP_ARM_EL2\\)$" -k $K --nested
bad "--nested with a GICv2" '^lkvm: --nested: needs a GICv3 \(KVM gives EL2 only to GICv3 guests\), not --irqchip gicv2$' -k $K --nested --irqchip gicv2
bad "no KVM device" '^lkvm: cannot open /nonexistent/kvm: No such file or directory \(errno 2\)' -k $K --dev /nonexistent/kvm
dd if=/dev/zero of=/tmp/odd.fd bs=1k count=100 2>/dev/null
bad "--firmware that does not exist" '^lkvm: --firmware /nonexistent: cannot open: No such file' --firmware /nonexistent
bad "--flash of an odd size" '^lkvm: --flash /tmp/odd.fd: 102400 bytes; a variable store is a multiple of 256 KiB' \
	--firmware $ROOT/guest/QEMU_EFI.fd --flash /tmp/odd.fd
bad "--firmware with a kernel UEFI cannot start" "^lkvm: kernel $P/hello.flat: not an EFI application" \
	--firmware $ROOT/guest/QEMU_EFI.fd -k $P/hello.flat
bad "--flash without --firmware" '^lkvm: --flash: holds UEFI variables, so needs --firmware$' -k $K --flash /tmp/odd.fd
# A sparse variable store on a full file system: refused before the guest
# could write into a hole (a SIGBUS outside guest RAM).
mkdir -p /tmp/full && mount -t tmpfs -o size=1m tmpfs /tmp/full
dd if=/dev/zero of=/tmp/full/vars.fd bs=1k seek=768 count=0 2>/dev/null
dd if=/dev/zero of=/tmp/full/filler bs=1k count=2048 2>/dev/null
bad "a sparse --flash on a full file system" \
	'^lkvm: --flash /tmp/full/vars.fd: cannot allocate its blocks: No space left on device$' \
	--firmware $ROOT/guest/QEMU_EFI.fd --flash /tmp/full/vars.fd
umount /tmp/full
bad "--dump-acpi naming a file" '^lkvm: --dump-acpi /tmp/odd.fd: not a directory$' \
	--firmware $ROOT/guest/QEMU_EFI.fd --dump-acpi /tmp/odd.fd
probe_checks

took "the command and bad input"

# --- bare-metal payloads: flat binaries at RAM + 0x80000 --------------------
lkvm_run hello -k $P/hello.flat -c 1 -m 64 --loglevel debug
if [ "$status" = 0 ] && has hello '^hello from a flat binary$' && has hello '^x0 points at a device tree$'; then
	ok "flat binary runs, x0 = DTB, PSCI SYSTEM_OFF exits 0"
else
	echo "#   exit status $status"
	not_ok "flat binary runs, x0 = DTB, PSCI SYSTEM_OFF exits 0" /tmp/hello.out /tmp/hello.err
fi
if has hello '^unmapped MMIO reads as zero$' &&
   grep -q '^lkvm: debug: vCPU 0: unhandled MMIO read of 4 bytes at 0xa000000$' /tmp/hello.err; then
	ok "an unhandled MMIO read returns 0, is logged at debug level, the guest goes on"
else
	not_ok "an unhandled MMIO read returns 0, is logged at debug level, the guest goes on" /tmp/hello.out /tmp/hello.err
fi

# A symlink planted where the DTB goes is replaced, its target untouched.
echo precious > /tmp/victim
ln -sf /tmp/victim /tmp/guest.dtb
lkvm_run dtb -k $P/hello.flat -c 2 -m 64 --nodefaults -p 'verbatim params' --dump-dtb /tmp/guest.dtb
magic=$(hexdump -n 4 -e '4/1 "%02x"' /tmp/guest.dtb 2>/dev/null)
if [ "$status" = 0 ] && [ "$magic" = d00dfeed ] && grep -q 'verbatim params' /tmp/guest.dtb &&
   ! grep -q 'console=ttyS0' /tmp/guest.dtb && [ ! -L /tmp/guest.dtb ] &&
   [ "$(cat /tmp/victim)" = precious ]; then
	ok "--dump-dtb writes the DTB over a symlink, not through it; --nodefaults passes -p verbatim"
else
	echo "#   exit status $status, magic '$magic', victim '$(cat /tmp/victim)'"
	not_ok "--dump-dtb writes the DTB over a symlink, not through it; --nodefaults passes -p verbatim" /tmp/dtb.err
fi

lkvm_run reset -k $P/reset.flat -c 1 -m 64
if [ "$status" = 2 ] && has reset '^resetting$' &&
   [ "$(grep -v '^lkvm: run ' /tmp/reset.err)" = "lkvm: guest reset" ]; then
	ok "PSCI SYSTEM_RESET ends lkvm with status 2 and one line, 'lkvm: guest reset'"
else
	echo "#   exit status $status"
	not_ok "PSCI SYSTEM_RESET ends lkvm with status 2 and one line, 'lkvm: guest reset'" /tmp/reset.out /tmp/reset.err
fi

lkvm_run nisv -k $P/nisv.flat -c 1 -m 64 --loglevel warning
if [ "$status" = 1 ] && [ "$(wc -l < /tmp/nisv.err)" = 1 ] && grep -q '^lkvm: vCPU 0 at PC 0x400800[0-9a-f][0-9a-f]: .*cannot emulate' /tmp/nisv.err; then
	ok "a vCPU failure exits 1 with one line naming the vCPU"
else
	echo "#   exit status $status"
	not_ok "a vCPU failure exits 1 with one line naming the vCPU" /tmp/nisv.out /tmp/nisv.err
fi

# Guest RAM asks for transparent huge pages, so it gets them also on hosts
# that give them only where asked. The 64 MiB of RAM is a VMA of its own.
thp=/sys/kernel/mm/transparent_hugepage/enabled
thp_mode=$(sed -n 's/.*\[\(.*\)\].*/\1/p' $thp 2>/dev/null)
run=thp ram_thp=
if [ -n "$thp_mode" ] && echo madvise > $thp; then
	lkvm run -k $P/ticker.flat -c 1 -m 64 </dev/null >/tmp/thp.out 2>/tmp/thp.err &
	vm_pid=$!
	wait_line /tmp/thp.out TICK &&
		ram_thp=$(awk '$1 == "Size:" { size = $2 } $1 == "AnonHugePages:" { huge = $2 }
			$1 == "VmFlags:" && size == 65536 && / hg/ { print huge }' /proc/$vm_pid/smaps)
	kill $vm_pid
	wait $vm_pid
	echo $thp_mode > $thp
fi
echo "#   THP mode '$thp_mode'; guest RAM in huge pages: '$ram_thp' kB"
expect "guest RAM is advised for huge pages and gets them where the host's THP mode is madvise" \
	[ "${ram_thp:-0}" -ge 2048 ]

# --- the console on a terminal: raw mode, keys to the guest, Ctrl-a x ------
if ptytest "$ROOT/bin/lkvm" $P/echo.flat echo 2>/tmp/pty.err; then
	ok "terminal stdin reaches the guest's UART; terminal mode restored"
else
	not_ok "terminal stdin reaches the guest's UART; terminal mode restored" /tmp/pty.err
fi
if ptytest "$ROOT/bin/lkvm" $P/echo.flat escape 2>/tmp/pty.err; then
	ok "Ctrl-a x quits with status 0; terminal mode restored"
else
	not_ok "Ctrl-a x quits with status 0; terminal mode restored" /tmp/pty.err
fi

# Host input waits for hvc0, which has no buffers, while the guest drains
# the 16550 in loopback again and again: input must wait, not overrun.
head -c 1000000 /dev/zero | timeout 600 lkvm run -k $P/console_flood.flat -c 1 -m 64 \
	--console virtio >/tmp/flood.out 2>/tmp/flood.err
status=$?
guest_checks flood "console input with --console virtio and a draining 16550"
[ "$status" = 0 ] && ok "console input with --console virtio and a draining 16550: lkvm exits 0" ||
	not_ok "console input with --console virtio and a draining 16550: lkvm exits 0 (got $status)" /tmp/flood.err

took "bare-metal payloads and the terminal"
sandbox_checks
took "the sandbox"

# --- SDEI: the dispatcher from inside a bare-metal guest, 2 vCPUs -----------
lkvm_run sdei -k $P/sdei.flat -c 2 -m 64 --sdei
guest_checks sdei "sdei payload"
[ "$status" = 0 ] && ok "sdei payload: lkvm exits 0" || not_ok "sdei payload: lkvm exits 0 (got $status)" /tmp/sdei.err

lkvm_run sdeimmu -k $P/sdei_mmu.flat -c 1 -m 64 --sdei
guest_checks sdeimmu "sdei MMU on"

lkvm_run nosdei -k $P/sdei.flat -c 1 -m 64 --dump-dtb /tmp/nosdei.dtb
if has nosdei '^FAIL VERSION major is 1$' && has nosdei '^PASS an unknown call is NOT_SUPPORTED$' &&
   ! grep -q 'arm,sdei-1.0' /tmp/nosdei.dtb; then
	ok "without --sdei: no /firmware/sdei node, calls get KVM's NOT_SUPPORTED"
else
	not_ok "without --sdei: no /firmware/sdei node, calls get KVM's NOT_SUPPORTED" /tmp/nosdei.out
fi

# --- SDEI: events injected by the host with lkvm sdei -----------------------
sd() { lkvm sdei --name sdeihost "$@"; }
export HOME=/tmp/home
mkdir -p $HOME
lkvm run -k $P/sdei_host.flat -c 2 -m 64 --sdei --name sdeihost </dev/null >/tmp/sdeihost.out 2>/tmp/sdeihost.err &
vm_pid=$!
{
	wait_line /tmp/sdeihost.out "WAIT A" && sd --signal 1 --vcpu 0
	wait_line /tmp/sdeihost.out "WAIT B" && sd --signal 2 --vcpu 0
	wait_line /tmp/sdeihost.out "WAIT C" && sd --signal 1 --vcpu 0 && sd --status > /tmp/sdeihost.status &&
		sd --signal 16
	wait_line /tmp/sdeihost.out "WAIT D"
	# While the VM waits: bad requests, a second VM of the same name.
	sd --signal 99 > /tmp/e1 2>&1; echo "rc=$?" >> /tmp/e1
	sd --signal 16 --vcpu 0 > /tmp/e2 2>&1; echo "rc=$?" >> /tmp/e2
	sd --signal 1 --vcpu 7 > /tmp/e3 2>&1; echo "rc=$?" >> /tmp/e3
	sd --signal 2 --vcpu 1 > /tmp/e4 2>&1; echo "rc=$?" >> /tmp/e4
	ctlpoke /tmp/home/.lkvm/sdeihost.sock > /tmp/poke 2>&1; echo "rc=$?" >> /tmp/poke
	lkvm run -k $P/hello.flat -m 64 --name sdeihost </dev/null > /tmp/dup 2>&1; echo "rc=$?" >> /tmp/dup
	sd --status > /tmp/sdeihost.status2
	sd --signal 17
} > /tmp/sdeihost.cmds 2>&1
wait $vm_pid
status=$?
guest_checks sdeihost "sdei host injection"
[ "$status" = 0 ] && ok "sdei host injection: lkvm exits 0" ||
	not_ok "sdei host injection: lkvm exits 0 (got $status)" /tmp/sdeihost.err /tmp/sdeihost.cmds
grep -q 'event 1 (private, normal): vCPU 0 registered, enabled, pending, dispatched 1' /tmp/sdeihost.status &&
grep -q '^vCPU 0 (MPIDR 0x80000000): masked, running: none' /tmp/sdeihost.status &&
grep -q 'event 16 (shared, normal): registered, enabled, routed to MPIDR 0x1' /tmp/sdeihost.status &&
	ok "lkvm sdei --status shows the held event, the masked vCPU, the routing" ||
	not_ok "lkvm sdei --status shows the held event, the masked vCPU, the routing" /tmp/sdeihost.status
expect_err() { # FILE PATTERN DESC
	if grep -q '^rc=1$' "$1" && grep -qE "$2" "$1"; then ok "$3"; else not_ok "$3" "$1"; fi
}
expect_err /tmp/e1 "^lkvm: no event 99 in the catalogue" "lkvm sdei --signal 99: no such event, exit 1"
expect_err /tmp/e2 "^lkvm: event 16 is shared: the guest's routing picks the vCPU" "lkvm sdei: --vcpu refused for a shared event"
expect_err /tmp/e3 "^lkvm: --vcpu 7: the VM has vCPUs 0 to 1" "lkvm sdei: --vcpu out of range refused"
expect_err /tmp/e4 "^lkvm: event 2 is not registered by the guest on that vCPU" "lkvm sdei: unregistered event refused"
expect_err /tmp/dup "^lkvm: --name sdeihost: a VM of that name is already running" "a second VM with the same name is refused"
if grep -q '^rc=0$' /tmp/poke && grep -q '^SDEI 1.1 dispatcher, 2 vCPUs' /tmp/sdeihost.status2; then
	ok "malformed control messages close their connection; the VM keeps answering"
else
	not_ok "malformed control messages close their connection; the VM keeps answering" /tmp/poke /tmp/sdeihost.status2
fi
lkvm sdei --name sdeihost --status > /tmp/gone 2>&1; echo "rc=$?" >> /tmp/gone
expect_err /tmp/gone "^lkvm: --name sdeihost: no VM of that name is running" "lkvm sdei to a VM that has ended: exit 1"
[ ! -e /tmp/home/.lkvm/sdeihost.sock ] && ok "the control socket is removed at exit" ||
	not_ok "the control socket is removed at exit"

took "SDEI payloads and host injection"

# --- the control plane: lkvm list, pause, resume, stop -----------------------
control_checks
took "the control plane"
virtio_checks

took "virtio"

# --- Debian's 6.12 kernel as the guest --------------------------------------
marker=marker-$$-$(date +%s)
lkvm_run smp2 -k $KZ -i $I -c 2 -m 512 -p "quiet lkvmtest.marker=$marker lkvmtest.action=reboot"
if [ "$status" = 2 ] && has smp2 '^L2-INIT-REACHED' && grep -qx 'lkvm: guest reset' /tmp/smp2.err; then
	ok "Linux guest from a gzip-compressed Image, -c 2 -m 512: reaches init; reboot -f: status 2, 'lkvm: guest reset' without a panic"
else
	echo "#   exit status $status"
	not_ok "Linux guest from a gzip-compressed Image, -c 2 -m 512: reaches init; reboot -f: status 2, 'lkvm: guest reset' without a panic" /tmp/smp2.out /tmp/smp2.err
fi
nproc=$(value smp2 L2-NPROC)
[ "$nproc" = 2 ] && ok "guest sees 2 online CPUs with -c 2" ||
	not_ok "guest sees 2 online CPUs with -c 2 (saw '$nproc')"
# MemTotal is RAM less what the kernel reserves for itself: 85%-100% of 512 MiB.
mem=$(value smp2 L2-MEMTOTAL-KB)
if [ -n "$mem" ] && [ "$mem" -le 524288 ] && [ "$mem" -ge 445644 ]; then
	ok "guest MemTotal ($mem kB) is consistent with -m 512"
else
	not_ok "guest MemTotal ('$mem' kB) is consistent with -m 512"
fi
cmdline=$(value smp2 L2-CMDLINE)
case "$cmdline" in
"console=ttyS0 panic=-1 quiet lkvmtest.marker=$marker "*) ok "the guest's /proc/cmdline: lkvm's console= and panic=-1, then -p" ;;
*) not_ok "the guest's /proc/cmdline: lkvm's console= and panic=-1, then -p (saw '$cmdline')" ;;
esac

lkvm_run sdeilinux -k $K -i $I -c 2 -m 256 --sdei --loglevel debug -p "quiet lkvmtest.action=hotplug"
sdei_line=$(tr -d '\r' < /tmp/sdeilinux.out | grep 'L2-DMESG.*sdei: SDEIv1\.1 (0x4c4b564d) detected in firmware\.')
if [ "$status" = 0 ] && [ -n "$sdei_line" ] && ! grep -qi 'sdei.*fail' /tmp/sdeilinux.out; then
	ok "Linux guest with --sdei: 'sdei: SDEIv1.1 (0x4c4b564d) detected in firmware.', no failure"
else
	echo "#   exit status $status"
	not_ok "Linux guest with --sdei: 'sdei: SDEIv1.1 (0x4c4b564d) detected in firmware.', no failure" /tmp/sdeilinux.out /tmp/sdeilinux.err
fi
if [ "$(value sdeilinux L2-NPROC-AFTER)" = 2 ] && has sdeilinux '^L2-CPU1-OFFLINE' &&
   grep -q 'vCPU 1: SDEI PE_MASK' /tmp/sdeilinux.err &&
   [ "$(grep -c 'vCPU 1: SDEI PE_UNMASK' /tmp/sdeilinux.err)" -ge 2 ] &&
   grep -q 'vCPU 1: PSCI CPU_OFF' /tmp/sdeilinux.err &&
   [ "$(grep -c 'vCPU 1: powered on' /tmp/sdeilinux.err)" -ge 2 ]; then
	ok "CPU 1 offline and online again: the guest runs on, lkvm saw PE_MASK, CPU_OFF, CPU_ON, PE_UNMASK"
else
	not_ok "CPU 1 offline and online again: the guest runs on, lkvm saw PE_MASK, CPU_OFF, CPU_ON, PE_UNMASK" /tmp/sdeilinux.out
	grep -E 'SDEI|PSCI|powered' /tmp/sdeilinux.err | tail -n 12 | sed 's/^/#   /'
fi

took "Linux guests: 2 vCPUs, SDEI and CPU hotplug"
panic_checks
took "a guest's panic and reset as exit statuses"
option_checks
took "kvmtool's arm64 run options"
ras_cli_checks
ras_payload_checks "ras"
ras_unacked_checks
ras_smp_checks "ras, 2 vCPUs"
ras_linux_checks "ras, Linux guest"

took "RAS"
firmware_checks "firmware"
took "UEFI firmware boots"

# mode-asan.sh adds its verdict on the sanitizers' reports here.
${after_checks:-true}
tap_done
