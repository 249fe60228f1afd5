# firmware_checks PREFIX: Debian's UEFI build (QEMU_EFI.fd) boots the
# Linux guest with lkvm's ACPI tables; the guest's APEI code takes lkvm's
# error records by SDEI and by external abort. Three boots:
#   A  1 vCPU, a fresh --flash store, virtio-rng on PCI: tables, no ACPI
#      complaints, the device found, an EFI variable written through the
#      firmware's runtime services
#   B  2 vCPUs, --sdei --ras, the same store, virtio-rng on virtio-mmio:
#      SDEI and GHES probed, the device found, the variable read back; the
#      dumped tables go to the log for iasl
#   C  2 vCPUs, --sdei --ras, a gzip-compressed Image (lkvm inflates it for
#      the firmware): two SDEI-notified memory errors, then a poisoned
#      page under a guest process (SEA)
F=$ROOT/guest/QEMU_EFI.fd

# fw_table_md5 NAME TABLE: the digest the guest printed for TABLE.
fw_table_md5() {
	tr -d '\r' < /tmp/$1.out | sed -n "s/^L2-ACPI-TABLE $2 //p"
}

# fw_boot_checks NAME NPROC DESC: what every firmware boot must show.
fw_boot_checks() {
	name=$1 nproc=$2 desc=$3
	why=
	[ "$status" = 0 ] || why="$why exit-status-$status"
	has $name 'UEFI firmware \(version' || why="$why no-UEFI-banner"
	has $name 'L2-INIT-REACHED' || why="$why no-init"
	has $name "^L2-NPROC=$nproc\$" || why="$why nproc"
	has $name 'ACPI: SPCR: console: pl011,mmio32,0x9000000' || why="$why no-SPCR-console"
	! has $name 'Unable to map CPU|invalid MPIDR' || why="$why MPIDR"
	has $name '^L2-HWRNG=virtio_rng.0$' && has $name '^L2-RNG-BYTES=4096$' || why="$why no-virtio-rng"
	expect -f /tmp/$name.out -f /tmp/$name.err \
		"$pfx: $desc: UEFI boots Linux to init with ACPI, $nproc vCPUs, PL011 console from SPCR, virtio-rng from the DSDT" \
		[ -z "$why" ] || echo "#   failed:$why"
	bad=$(tr -d '\r' < /tmp/$name.out | grep -E 'ACPI (BIOS )?(Error|Warning)|ACPI Exception|Firmware Bug|FW_BUG|soft lockup|WARNING:')
	expect -f none "$pfx: $desc: no ACPI error, warning or firmware bug in the guest's log" \
		[ -z "$bad" ] || echo "$bad" | sed 's/^/#   /'
	# Tables without pointers arrive byte for byte as lkvm dumped them.
	same=yes
	for t in APIC DSDT GTDT SPCR $4; do
		lc=$(echo $t | tr A-Z a-z)
		want=$(md5sum < /tmp/$name.acpi/$lc.dat 2>/dev/null | cut -d' ' -f1)
		got=$(fw_table_md5 $name $t)
		echo "#   $t: dumped $want, guest $got"
		[ -n "$want" ] && [ "$want" = "$got" ] || same=no
	done
	expect -f /tmp/$name.err "$pfx: $desc: the guest's APIC DSDT GTDT SPCR $4 equal --dump-acpi's" [ $same = yes ]
}

firmware_checks() {
	pfx=$1
	rm -rf /tmp/fwa.acpi /tmp/fwb.acpi
	# Boots A and B keep the firmware and its store on ramfs, whose pages
	# KVM will not map into a VM with MTE (the default on this host), as
	# it will not a regular file's: lkvm gives the guest copies, and
	# writes what the guest programs back to the store's file.
	mkdir -p /tmp/ramfs
	mount -t ramfs ramfs /tmp/ramfs
	cp $F /tmp/ramfs/QEMU_EFI.fd
	dd if=/dev/zero of=/tmp/ramfs/vars.fd bs=1M seek=64 count=0 2>/dev/null

	lkvm_run fwa --firmware /tmp/ramfs/QEMU_EFI.fd --flash /tmp/ramfs/vars.fd -k $K -i $I -c 1 -m 256 --rng \
		--dump-acpi /tmp/fwa.acpi -p "quiet lkvmtest.action=acpi lkvmtest.efivar=write"
	fw_boot_checks fwa 1 "1 vCPU, virtio-pci"
	# MTE in the guest: the banks on ramfs went in as copies.
	expect -f /tmp/fwa.out "$pfx: with MTE (firmware and store on ramfs), the guest lists mte in /proc/cpuinfo" \
		has fwa '^L2-FEATURES=.* mte( |$)'
	expect -f /tmp/fwa.out "$pfx: the guest writes an EFI variable; the --flash file holds a formatted store with it" \
		eval 'has fwa "^L2-EFIVAR-WRITTEN" && has fwa "^L2-EFIVAR=lkvm-persisted\$" &&
			tr -d "\0" < /tmp/ramfs/vars.fd | grep -q "_FVH" &&
			tr -d "\0" < /tmp/ramfs/vars.fd | grep -q "LkvmTest"'

	lkvm_run fwb --firmware /tmp/ramfs/QEMU_EFI.fd --flash /tmp/ramfs/vars.fd -k $K -i $I -c 2 -m 256 --sdei --ras \
		--rng --virtio-transport mmio \
		--loglevel debug --dump-acpi /tmp/fwb.acpi \
		-p "quiet lkvmtest.action=acpi lkvmtest.efivar=read"
	fw_boot_checks fwb 2 "2 vCPUs, --sdei --ras, virtio-mmio" "SDEI"
	expect -f /tmp/fwb.out "$pfx: the variable is there on the next boot from the same --flash file" \
		has fwb '^L2-EFIVAR=lkvm-persisted$'
	expect -f /tmp/fwb.out -f /tmp/fwb.err \
		"$pfx: with --sdei --ras: HEST and SDEI tables; SDEI detected, GHES in firmware-first mode; the region's address came back by WRITE_POINTER" \
		eval 'has fwb "^L2-ACPI-TABLE HEST " && has fwb "^L2-ACPI-TABLE SDEI " &&
			has fwb "^L2-DMESG .*sdei: SDEIv1\.1 \(0x4c4b564d\) detected in firmware\." &&
			has fwb "^L2-DMESG .*HEST: Table parsing has been initialized" &&
			has fwb "^L2-DMESG .*GHES: APEI firmware first mode is enabled" &&
			grep -q "^lkvm: debug: ras: the firmware placed the error region at 0x" /tmp/fwb.err'
	# For tests/acpi-iasl.sh, which disassembles them outside.
	for f in /tmp/fwb.acpi/*.dat; do
		echo "ACPI-DUMP ${f##*/} $(base64 < $f | tr -d '\n')"
	done
	umount /tmp/ramfs

	fw_ras_checks
}

# fw_ras_checks: two SDEI-notified memory errors, then SEA on a poisoned page.
fw_ras_checks() {
	rm -f /tmp/fwc.in
	mkfifo /tmp/fwc.in
	lkvm run --firmware $F -k $KZ -i $I -c 2 -m 256 --sdei --ras --name fwras \
		-p "quiet lkvmtest.action=touch" </tmp/fwc.in >/tmp/fwc.out 2>/tmp/fwc.err &
	vm_pid=$!
	exec 3>/tmp/fwc.in
	sdei1=no sdei2=no page=
	if wait_line /tmp/fwc.out "L2-TOUCHED"; then
		lkvm ras --name fwras --inject memory --gpa 0x48000000 --notify sdei > /tmp/fwc.cmds 2>&1
		n=0
		until tr -d '\r' < /tmp/fwc.out | grep -q 'physical_address: 0x0000000048000000'; do
			n=$((n + 1)); [ $n -gt 60 ] && break; sleep 1
		done
		[ $n -le 60 ] && sdei1=yes
		lkvm ras --name fwras --inject memory --gpa 0x48001000 --notify sdei >> /tmp/fwc.cmds 2>&1
		n=0
		until tr -d '\r' < /tmp/fwc.out | grep -q 'physical_address: 0x0000000048001000'; do
			n=$((n + 1)); [ $n -gt 60 ] && break; sleep 1
		done
		[ $n -le 60 ] && sdei2=yes
		# GHES prints at most 2 uncorrected records per 5 s (its ratelimit).
		sleep 6
		page=$(value fwc L2-PAGE\ gpa)
		[ -n "$page" ] && lkvm ras --name fwras --hwpoison --gpa $page >> /tmp/fwc.cmds 2>&1
		wait_line /tmp/fwc.out "L2-STILL-UP" && echo "typed on the PL011" >&3
		n=0
		while kill -0 $vm_pid 2>/dev/null && [ $n -lt 60 ]; do sleep 1; n=$((n + 1)); done
	fi
	exec 3>&-
	kill $vm_pid 2>/dev/null
	wait $vm_pid
	cat /tmp/fwc.cmds | sed 's/^/#   /'
	out=$(tr -d '\r' < /tmp/fwc.out)
	expect -f /tmp/fwc.out -f /tmp/fwc.err \
		"$pfx: an SDEI-notified memory error: the guest's GHES prints it (memory error, 0x48000000) and memory-failure handles the page" \
		eval '[ $sdei1 = yes ] && echo "$out" | grep -q "Hardware error from APEI Generic Hardware Error Source: 0" &&
			echo "$out" | grep -q "section_type: memory error" &&
			echo "$out" | grep -qE "Memory failure: 0x48000: "'
	expect -f /tmp/fwc.out "$pfx: a second SDEI-notified error, after the guest acked the first, is delivered too" \
		eval '[ $sdei2 = yes ] && echo "$out" | grep -qE "Memory failure: 0x48001: "'
	echo "#   touched page $page"
	expect -f /tmp/fwc.out -f /tmp/fwc.err \
		"$pfx: a guest process reading a page lkvm poisoned: GHES record for it (SEA), SIGBUS BUS_MCEERR_AR, the guest stays up" \
		eval '[ -n "$page" ] && echo "$out" | grep -q "^L2-SIGBUS code=4 addr_ok=1" &&
			echo "$out" | grep -q "^L2-STILL-UP" &&
			echo "$out" | grep -qi "physical_address: 0x0*${page#0x}"'
	expect -f /tmp/fwc.out "$pfx: a line written to lkvm's stdin reaches the guest's init through the PL011" \
		eval 'echo "$out" | grep -q "^L2-TYPED=typed on the PL011\$"'
}
