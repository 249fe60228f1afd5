# The command itself, and bad input: exit status 1 and exactly one line
# naming the problem, before any guest runs.

# bad DESC PATTERN ARGS...: lkvm run ARGS fails with one line matching PATTERN.
bad() {
	desc=$1 want=$2
	shift 2
	one_line_error "bad input: $desc" "$want" timeout 600 lkvm run "$@"
}

command_checks() {
	version=$(lkvm version 2>&1)
	version_status=$?
	echo "#   lkvm version: '$version', exit status $version_status"
	expect -f none "lkvm version prints the version" \
		eval 'case "$version_status:$version" in "0:lkvm version "?*) ;; *) false ;; esac'
	expect -f none "lkvm --help and lkvm run --help say 'The most commonly used'" \
		eval 'lkvm --help 2>&1 | grep -q "The most commonly used" &&
		      lkvm run --help 2>&1 | grep -q "The most commonly used" &&
		      lkvm run --help 2>&1 | grep -q -- --irqchip'
	expect -f none "lkvm run --sdei --help prints the SDEI event catalogue" \
		eval 'lkvm run --sdei --help | grep -qE "^ +17 +shared +critical +host-injected"'
}

bad_input_checks() {
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
	bad "--sandbox-selftest of an unknown thread" '^lkvm: --sandbox-selftest net: must be main, io, vcpu or fs$' -k $K --sandbox-selftest net
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
}
