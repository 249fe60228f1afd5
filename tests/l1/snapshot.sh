# Snapshot and restore, sourced by mode-check.sh: lkvm snapshot and
# lkvm run --restore on the ticker payload (the count goes on, three
# restores at once), the SDEI dispatcher with a handler running, and the
# refusals of bad snapshots and options.

# last_number FILE WORD: n of the last whole "WORD n" line of FILE (a last
# line still being written, without its newline, does not count).
last_number() {
	drop=
	[ -z "$(tail -c 1 "$1")" ] || drop='$d'
	tr -d '\r' < "$1" | sed "$drop" | sed -n "s/^$2 \([0-9][0-9]*\)\$/\1/p" | tail -n 1
}
# first_number FILE WORD: n of the first whole one.
first_number() { tr -d '\r' < "$1" | sed -n "s/^$2 \([0-9][0-9]*\)\$/\1/p" | head -n 1; }
last_tick() { last_number "$1" TICK; }
first_tick() { first_number "$1" TICK; }

# wait_tick FILE N: wait (up to 2 minutes) for a TICK numbered N or more.
wait_tick() {
	n=0
	until [ "$(last_tick "$1")" -ge "$2" ] 2>/dev/null; do
		n=$((n + 1))
		[ $n -gt 120 ] && return 1
		sleep 1
	done
}

# boot_and_snapshot NAME ARGS...: lkvm run ARGS as NAME; once its init
# says L2-SNAP-READY, lkvm snapshot --stop into /tmp/NAME (its output in
# /tmp/NAME.cmd), and the VM's end.
boot_and_snapshot() {
	name=$1
	shift
	lkvm run "$@" --name $name </dev/null >/tmp/$name.out 2>/tmp/$name.err &
	vm_pid=$!
	wait_line /tmp/$name.out L2-SNAP-READY &&
		lkvm snapshot --name $name /tmp/$name --stop >/tmp/$name.cmd 2>&1
	wait $vm_pid
}

# restore_typing NAME ARGS...: lkvm run ARGS as NAME, its console a FIFO
# that say (below) types lines into; the VM is $vm_pid.
restore_typing() {
	name=$1
	shift
	# A VM that ends early fails its checks; a write to its FIFO then
	# must not end the suite.
	trap '' PIPE
	rm -f /tmp/$name.in
	mkfifo /tmp/$name.in
	timeout 600 lkvm run "$@" --name $name </tmp/$name.in >/tmp/$name.out 2>/tmp/$name.err &
	vm_pid=$!
	exec 3>/tmp/$name.in
}

# say NAME LINE KEY: type LINE on NAME's console; wait for its answer KEY=.
say() {
	echo "$2" >&3
	wait_line /tmp/$1.out "$3="
}

# typing_done: "off" typed and the console closed; the VM's exit status
# in $status.
typing_done() {
	echo off >&3
	exec 3>&-
	wait $vm_pid
	status=$?
	trap - PIPE
}

snapshot_checks() {
	export HOME=/tmp/home
	mkdir -p $HOME/.lkvm
	rm -rf /tmp/snap*

	# Taken with --stop, the original's last TICK is the snapshot's. With
	# a PMU: its registers are in each vCPU's list, which KVM must take
	# back after the restore's PMU_V3_INIT, and the cycle counter the
	# ticker prints goes on from its value.
	run=snapsrc
	lkvm run -k $P/ticker.flat -c 2 -m 128 --pmu --name snapsrc </dev/null \
		>/tmp/snapsrc.out 2>/tmp/snapsrc.err &
	vm_pid=$!
	wait_line /tmp/snapsrc.out "TICK 20"
	lkvm snapshot --name snapsrc /tmp/snap1 --stop >/tmp/snap1.cmd 2>&1
	snap_status=$?
	wait $vm_pid
	status=$?
	at=$(last_tick /tmp/snapsrc.out)
	echo "#   snapshot: status $snap_status; the VM ended with $status at TICK $at; files: $(ls /tmp/snap1 | tr '\n' ' ')"
	echo "#   $(du -k /tmp/snap1/memory | cut -f1) KiB of memory on disk for 128 MiB of RAM"
	expect -f /tmp/snap1.cmd -f /tmp/snapsrc.err \
		"lkvm snapshot --stop: a manifest, the state, memory (and MTE's tags); the VM ends with status 0" \
		eval '[ "$snap_status" = 0 ] && [ "$status" = 0 ] && [ -s /tmp/snap1/manifest ] &&
		      grep -q "^file state " /tmp/snap1/manifest &&
		      grep -q "^file memory 134217728 " /tmp/snap1/manifest &&
		      [ "$(stat -c %s /tmp/snap1/memory)" = 134217728 ] &&
		      grep -q "^VM '\''snapsrc'\'': snapshot in /tmp/snap1\$" /tmp/snap1.cmd &&
		      ! ls -A /tmp/snap1 | grep -q "^\."'

	lkvm_run_bg() {
		name=$1
		shift
		lkvm run "$@" </dev/null >/tmp/$name.out 2>/tmp/$name.err &
	}
	lkvm_run_bg snapr1 --restore /tmp/snap1 --name snapr1
	vm_pid=$!
	wait_tick /tmp/snapr1.out $((at + 30))
	first=$(first_tick /tmp/snapr1.out)
	cycles0=$(first_number /tmp/snapsrc.out CYCLES)
	cycles_at=$(last_number /tmp/snapsrc.out CYCLES)
	cycles_after=$(first_number /tmp/snapr1.out CYCLES)
	echo "#   restored: first TICK $first, $(last_tick /tmp/snapr1.out) after a while"
	echo "#   cycle counter: $cycles0 at boot, $cycles_at at the snapshot, $cycles_after first after the restore"
	lkvm stop --name snapr1 >/dev/null 2>&1
	wait $vm_pid
	status=$?
	run=snapr1
	expect "lkvm run --restore: the count goes on from the snapshot's (TICK $((at + 1)) or, after a cut line, $((at + 2))), nothing reruns from boot" \
		eval '[ "$status" = 0 ] && { [ "$first" = $((at + 1)) ] || [ "$first" = $((at + 2)) ]; } &&
		      [ "$(last_tick /tmp/snapr1.out)" -ge $((at + 30)) ] &&
		      grep -q "^lkvm: run --restore /tmp/snap1 -m 128 -c 2 --name snapr1\$" /tmp/snapr1.err'
	expect "--pmu: the guest's cycle counter counted before the snapshot and goes on from its value after the restore" \
		eval '[ -n "$cycles0" ] && [ -n "$cycles_after" ] &&
		      awk -v a="$cycles0" -v b="$cycles_at" -v c="$cycles_after" "BEGIN { exit !(b > a && c >= b) }"'

	# Three at once from one snapshot, each on its own.
	pids=
	for r in snapr2 snapr3 snapr4; do
		lkvm_run_bg $r --restore /tmp/snap1 --name $r
		pids="$pids $!"
	done
	vm_pid=${pids##* }
	for r in snapr2 snapr3 snapr4; do
		wait_tick /tmp/$r.out $((at + 20))
	done
	lkvm list > /tmp/snaplist 2>&1
	lkvm pause --name snapr3 >/dev/null 2>&1
	paused_at=$(last_tick /tmp/snapr3.out)
	wait_tick /tmp/snapr2.out $((at + 40))
	still=$(last_tick /tmp/snapr3.out)
	lkvm resume --name snapr3 >/dev/null 2>&1
	wait_tick /tmp/snapr3.out $((at + 40))
	for r in snapr2 snapr3 snapr4; do
		lkvm stop --name $r >/dev/null 2>&1
	done
	statuses=
	for p in $pids; do
		wait $p
		statuses="$statuses $?"
	done
	echo "#   three restores: statuses$statuses; snapr3 paused at TICK $paused_at, still $still while snapr2 went on; last TICKs $(last_tick /tmp/snapr2.out) $(last_tick /tmp/snapr3.out) $(last_tick /tmp/snapr4.out)"
	expect -f /tmp/snaplist -f /tmp/snapr3.err \
		"three restores of one snapshot at once each go on independently (one paused, the others run)" \
		eval '[ "$statuses" = " 0 0 0" ] && [ "$(grep -c "snapr[234] *running" /tmp/snaplist)" = 3 ] &&
		      [ "$still" = "$paused_at" ] && [ "$(last_tick /tmp/snapr3.out)" -ge $((at + 40)) ] &&
		      for r in snapr2 snapr3 snapr4; do
			      f=$(first_tick /tmp/$r.out); [ "$f" = $((at + 1)) ] || [ "$f" = $((at + 2)) ] || exit 1
		      done'

	# Without --stop the VM goes on; a snapshot of a restored VM restores,
	# beside it: the name is not in the snapshot, so the restore gets its own.
	lkvm_run_bg snapr5 --restore /tmp/snap1 --name snapr5
	vm5=$!
	wait_tick /tmp/snapr5.out $((at + 10))
	at1=$(last_tick /tmp/snapr5.out)
	lkvm snapshot -n snapr5 /tmp/snap2 >/tmp/snap2.cmd 2>&1
	snap_status=$?
	at2=$(last_tick /tmp/snapr5.out)
	lkvm_run_bg snapr6 --restore /tmp/snap2
	vm_pid=$!
	wait_tick /tmp/snapr6.out $((at2 + 5))
	wait_tick /tmp/snapr5.out $((at2 + 10))
	first=$(first_tick /tmp/snapr6.out)
	lkvm stop --name snapr5 >/dev/null 2>&1
	lkvm stop --name guest-$vm_pid >/dev/null 2>&1
	wait $vm5
	wait $vm_pid
	status=$?
	echo "#   snapshot of a running restored VM between TICK $at1 and $at2; its restore starts at TICK $first"
	expect -f /tmp/snap2.cmd -f /tmp/snapr6.err \
		"a snapshot without --stop: the VM runs on; a restored VM's snapshot restores beside it, under a name of its own" \
		eval '[ "$snap_status" = 0 ] && [ "$status" = 0 ] &&
		      [ "$(last_tick /tmp/snapr5.out)" -ge $((at2 + 10)) ] &&
		      [ "$first" -gt "$at1" ] && [ "$first" -le $((at2 + 2)) ] &&
		      grep -q "^lkvm: run --restore /tmp/snap2 -m 128 -c 2 --name guest-$vm_pid\$" /tmp/snapr6.err'

	# MTE: a granule's tag survives the snapshot (the payload waits 5 s
	# at MTE-WAIT, then checks it), restored from tmpfs (mapped) and
	# from ramfs (read into anonymous memory).
	lkvm run -k $P/mte.flat -c 1 -m 64 --name snapmte </dev/null >/tmp/snapmte.out 2>&1 &
	vm_pid=$!
	wait_line /tmp/snapmte.out MTE-WAIT &&
		lkvm snapshot --name snapmte /tmp/snapmte --stop >/tmp/snapmte.cmd 2>&1
	wait $vm_pid
	mkdir -p /tmp/snapramfs
	mount -t ramfs ramfs /tmp/snapramfs
	cp -r /tmp/snapmte /tmp/snapramfs/
	lkvm_run snapmte1 --restore /tmp/snapmte
	status1=$status
	lkvm_run snapmte2 --restore /tmp/snapramfs/snapmte --loglevel debug
	echo "#   MTE payload restored: exit statuses $status1 (tmpfs) and $status (ramfs)"
	expect -f /tmp/snapmte.cmd -f /tmp/snapmte1.out -f /tmp/snapmte2.out -f /tmp/snapmte2.err \
		"MTE: a granule's tag survives a snapshot, restored from tmpfs and from a file system KVM cannot map for MTE" \
		eval '[ -s /tmp/snapmte/tags ] && ! has snapmte "^DONE" &&
		      for r in snapmte1 snapmte2; do
			      has $r "^PASS 5 s later the granule reads through tag 3\$" &&
			      has $r "^PASS and tag 5 still faults\$" && has $r "^DONE\$" &&
			      ! has $r "^FAIL" && ! has $r "^mte=" || exit 1
		      done && [ "$status1" = 0 ] && [ "$status" = 0 ] &&
		      grep -q "MTE, and the snapshot is not in tmpfs: reading its memory" /tmp/snapmte2.err'
	umount /tmp/snapramfs

	snapshot_linux_checks
	snapshot_virtio_checks
	snapshot_firmware_checks
	snapshot_sdei_checks
	snapshot_ras_checks
	snapshot_bad_input_checks
}

# RAS: tests/guest/ras.c snapshotted inside its SDEI handler, with a
# second record queued behind the first, which the handler has not
# acknowledged: after the restore, once the host lets the handler ack,
# the queued record is delivered, byte for byte. Then a Linux guest
# snapshotted before a fatal injection is restored three times, and dies
# of the injected SError each time.
snapshot_ras_checks() {
	rs() { lkvm ras --name "$rs_name" "$@"; }
	rs_name=snapras
	lkvm run -k $P/ras.flat -c 1 -m 64 --sdei --ras --name snapras </dev/null \
		>/tmp/snapras.out 2>/tmp/snapras.err &
	vm_pid=$!
	{
		wait_line /tmp/snapras.out "WAIT serror" &&
			rs --inject memory --gpa 0x40123000 --severity corrected --notify serror
		wait_line /tmp/snapras.out "WAIT sea" && rs --inject memory --gpa 0x40234000 --notify sea
		wait_line /tmp/snapras.out "WAIT sdei" &&
			rs --inject memory --gpa 0x40345000 --severity corrected --notify sdei
		wait_line /tmp/snapras.out "WAIT sdei2" &&
			rs --inject memory --gpa 0x40346000 --severity corrected --notify sdei &&
			rs --status > /tmp/snapras.before &&
			lkvm snapshot --name snapras /tmp/snapras --stop
	} > /tmp/snapras.cmds 2>&1
	wait $vm_pid
	rs_name=snapras2
	lkvm run --restore /tmp/snapras --name snapras2 </dev/null >/tmp/snapras2.out 2>/tmp/snapras2.err &
	vm_pid=$!
	{
		wait_socket snapras2 && rs --status > /tmp/snapras.after
		lkvm sdei --name snapras2 --signal 2 --vcpu 0
		wait_line /tmp/snapras2.out "WAIT processor"
		lkvm stop --name snapras2
	} >> /tmp/snapras.cmds 2>&1
	wait $vm_pid
	status=$?
	echo "#   restored RAS payload: exit status $status; queued at the snapshot: $(grep -c queued /tmp/snapras.before) lines"
	run=snapras2
	expect -f /tmp/snapras.before -f /tmp/snapras.after -f /tmp/snapras.cmds -f /tmp/snapras2.out \
		"ras after restore: the record queued at the snapshot is delivered once the guest acks, byte for byte; lkvm ras --status the same before and after" \
		eval '[ "$status" = 0 ] && [ -s /tmp/snapras.before ] && diff /tmp/snapras.before /tmp/snapras.after &&
		      has snapras2 "^PASS SDEI event 16 ran twice: the queued record came after the ack\$" &&
		      has snapras2 "^PASS second \(queued\) SDEI record, byte for byte\$" &&
		      ! has snapras2 "^FAIL" && ! has snapras2 "^WAIT serror"'

	lkvm run -k $K -i $I -c 1 -m 256 --ras --name snaplxras -p "quiet lkvmtest.action=ras" \
		</dev/null >/tmp/snaplxras.out 2>/tmp/snaplxras.err &
	vm_pid=$!
	wait_line /tmp/snaplxras.out L2-RAS-READY &&
		lkvm snapshot --name snaplxras /tmp/snaplxras --stop >/tmp/snaplxras.cmds 2>&1
	wait $vm_pid
	results=
	for i in 1 2 3; do
		lkvm run --restore /tmp/snaplxras --name snaplxras$i </dev/null \
			>/tmp/snaplxras$i.out 2>/tmp/snaplxras$i.err &
		vm_pid=$!
		wait_socket snaplxras$i &&
			lkvm ras --name snaplxras$i --inject memory --gpa 0x48001000 --severity fatal \
				--notify serror >> /tmp/snaplxras.cmds 2>&1
		( sleep 120; kill $vm_pid 2>/dev/null ) &
		killer=$!
		wait $vm_pid
		results="$results $?"
		kill $killer 2>/dev/null
		tr -d '\r' < /tmp/snaplxras$i.out | grep -q "SError Interrupt on CPU0, code 0x.*be000411 -- SError" &&
			results="$results:serror"
	done
	echo "#   three restores before a fatal injection: exit status:syndrome$results"
	expect -f /tmp/snaplxras.cmds -f /tmp/snaplxras1.out -f /tmp/snaplxras1.err \
		"ras: a Linux guest snapshotted before a fatal injection, restored three times, dies of the injected SError each time (status 2)" \
		[ "$results" = " 2:serror 2:serror 2:serror" ]
}

# A Linux guest snapshotted at its init's prompt, restored 20 s later:
# it answers a line typed on its console, and its uptime went on from
# the snapshot's, not by the 20 s it spent on disk.
snapshot_linux_checks() {
	boot_and_snapshot snaplx -k $K -i $I -c 2 -m 256 -p "quiet lkvmtest.action=snapshot"
	up0=$(tr -d '\r' < /tmp/snaplx.out | sed -n 's/^L2-SNAP-READY uptime=//p')
	sleep 20
	t0=$(date +%s)
	restore_typing snaplx2 --restore /tmp/snaplx
	echo "typed after the restore" >&3
	wait_line /tmp/snaplx2.out "L2-ECHO typed after the restore"
	t1=$(date +%s)
	typing_done
	up1=$(tr -d '\r' < /tmp/snaplx2.out | sed -n 's/^L2-ECHO typed after the restore uptime=//p')
	echo "#   Linux: uptime $up0 s at the snapshot, $up1 s when it answered, $((t1 - t0)) s after the restore began; exit status $status"
	run=snaplx2
	expect -f /tmp/snaplx.cmd -f /tmp/snaplx2.out -f /tmp/snaplx2.err \
		"a Linux guest restored 20 s after its snapshot answers on its console; its uptime goes on from the snapshot's" \
		eval '[ "$status" = 0 ] && [ -n "$up0" ] && [ -n "$up1" ] &&
		      awk -v a="$up0" -v b="$up1" -v d=$((t1 - t0)) "BEGIN { exit !(b >= a && b <= a + d + 2) }" &&
		      ! has snaplx2 "L2-INIT-REACHED"'
}

# A Linux guest with a virtio disk it has mounted, a tap, virtio-rng and
# its console on hvc0, on virtio-pci with MSI-X through the ITS,
# snapshotted at its prompt: restored (in another directory than the one
# its disk's relative path was given in), it answers on hvc0, pings the
# host and is pinged, writes a file to its disk and reads one back from
# it; the host then finds the file in the image. Then a disk on
# virtio-mmio (whose driver the guest loads as a module, so its console
# stays ttyS0).
snapshot_virtio_checks() {
	insmod $ROOT/lib/tun.ko 2>/dev/null
	make_disk /tmp/snapvd.img
	# Booted in /tmp with the disk's path relative, restored from $ROOT.
	(cd /tmp && boot_and_snapshot snapvd -k $K -i $I -c 1 -m 256 -d snapvd.img --rng \
		-n mode=tap,tapif=lkvmsnap0 --console virtio \
		-p "quiet lkvmtest.action=snapdev lkvmtest.net")
	sum_at_snapshot=$(md5sum < /tmp/snapvd.img)
	snapshot_virtio_bad_input_checks

	restore_typing snapvd2 --restore /tmp/snapvd
	host_ping=failed
	say snapvd2 ping L2-PING && ping -c 2 -W 10 192.168.33.15 >/dev/null && host_ping=ok
	say snapvd2 "write 20000" L2-WROTE
	say snapvd2 "read before.txt" L2-READ
	typing_done
	run=snapvd2
	got=$($ROOT/sbin/debugfs -R "cat /after.txt" /tmp/snapvd.img 2>/dev/null | md5sum | cut -d' ' -f1)
	expect -f /tmp/snapvd.cmd -f /tmp/snapvd2.out -f /tmp/snapvd2.err \
		"virtio-pci/MSI-X, restored from another directory: the guest answers on hvc0 and pings the host through its tap, and the host the guest" \
		[ "$status" = 0 -a "$(value snapvd L2-CONSOLE)" = hvc0 -a "$(value snapvd2 L2-PING)" = ok \
		  -a "$host_ping" = ok ]
	expect "virtio-pci/MSI-X, restored: the guest reads before.txt back from its disk, writes after.txt, unmounts" \
		[ "$(value snapvd2 L2-READ)" = "$(seq 1 1000 | md5sum | cut -d' ' -f1)" \
		  -a "$(value snapvd2 L2-WROTE)" = "$(seq 1 20000 | md5sum | cut -d' ' -f1)" ] &&
		has snapvd2 "^L2-UNMOUNTED" && ! has snapvd2 "L2-INIT-REACHED"
	expect "virtio-pci/MSI-X, restored: debugfs finds after.txt in the image, byte for byte" \
		[ "$got" = "$(seq 1 20000 | md5sum | cut -d' ' -f1)" ]

	make_disk /tmp/snapvm.img
	boot_and_snapshot snapvm -k $K -i $I -c 1 -m 256 -d /tmp/snapvm.img \
		--virtio-transport mmio -p "quiet lkvmtest.action=snapdev"
	cp /tmp/snapvm.img /tmp/snapvm-clone.img
	restore_typing snapvm2 --restore /tmp/snapvm -d /tmp/snapvm-clone.img
	say snapvm2 "write 5000" L2-WROTE
	typing_done
	run=snapvm2
	got=$($ROOT/sbin/debugfs -R "cat /after.txt" /tmp/snapvm-clone.img 2>/dev/null | md5sum | cut -d' ' -f1)
	expect -f /tmp/snapvm.cmd -f /tmp/snapvm.out -f /tmp/snapvm2.out -f /tmp/snapvm2.err \
		"virtio-mmio, restored on a copy of the disk given with -d: the guest answers and writes after.txt into the copy" \
		[ "$status" = 0 -a "$got" = "$(seq 1 5000 | md5sum | cut -d' ' -f1)" ] &&
		has snapvm2 "^L2-UNMOUNTED" &&
		! $ROOT/sbin/debugfs -R "stat /after.txt" /tmp/snapvm.img 2>&1 | grep -q "Inode:"
}

# Disks given again that are not the snapshot's: one line each, before
# the guest runs, and no byte of any disk changed.
snapshot_virtio_bad_input_checks() {
	make_disk /tmp/snapvd-other.img
	truncate -s 32M /tmp/snapvd-small.img
	sum_other=$(md5sum < /tmp/snapvd-other.img)
	sum_small=$(md5sum < /tmp/snapvd-small.img)
	one_line_error "--restore with a disk of another size: one line naming both sizes" \
		"^lkvm: --restore /tmp/snapvd: virtio-blk0: the snapshot's disk had 131072 sectors, this one 65536\$" \
		timeout 120 lkvm run --restore /tmp/snapvd -d /tmp/snapvd-small.img
	one_line_error "--restore with a disk read-only that was writable: one line" \
		"^lkvm: --restore /tmp/snapvd: virtio-blk0: the snapshot's disk was writable, this one is read-only\$" \
		timeout 120 lkvm run --restore /tmp/snapvd -d /tmp/snapvd-other.img,ro
	one_line_error "--restore with two disks for one: one line" \
		"^lkvm: --restore /tmp/snapvd: -d gives 2 disks, the snapshot's VM has 1\$" \
		timeout 120 lkvm run --restore /tmp/snapvd -d /tmp/snapvd-other.img -d /tmp/snapvd-small.img
	one_line_error "--restore without the snapshot's NIC: one line" \
		"^lkvm: --restore /tmp/snapvd: -n gives 0 NICs, the snapshot's VM has 1\$" \
		timeout 120 lkvm run --restore /tmp/snapvd -n mode=none
	one_line_error "--restore with a NIC of another MAC: one line" \
		"^lkvm: --restore /tmp/snapvd: virtio-net0: the snapshot's NIC had MAC 02:15:15:15:15:15 \(give it with guest_mac=\)\$" \
		timeout 120 lkvm run --restore /tmp/snapvd -n mode=tap,guest_mac=02:00:00:00:00:01
	mv /tmp/snapvd.img /tmp/snapvd-moved.img
	one_line_error "--restore when the snapshot's disk is gone: one line naming it" \
		"^lkvm: --disk /tmp/snapvd.img: cannot open: No such file or directory\$" \
		timeout 120 lkvm run --restore /tmp/snapvd
	mv /tmp/snapvd-moved.img /tmp/snapvd.img
	expect "--restore refused: no byte of the snapshot's disk nor of the disks given changed" \
		[ "$(md5sum < /tmp/snapvd.img)" = "$sum_at_snapshot" -a \
		  "$(md5sum < /tmp/snapvd-other.img)" = "$sum_other" -a \
		  "$(md5sum < /tmp/snapvd-small.img)" = "$sum_small" ]
}

# Firmware mode: a Linux guest booted by UEFI, which wrote an EFI variable
# into its in-memory store, is snapshotted at its prompt. Restored, it
# answers on the PL011, without passing through the firmware again, and
# the firmware's runtime services (flash0's code, the store restored
# block by block) write a second variable and read both back.
snapshot_firmware_checks() {
	boot_and_snapshot snapfw --firmware $ROOT/guest/QEMU_EFI.fd -k $K -i $I -c 1 -m 256 \
		-p "quiet lkvmtest.action=snapfw"
	restore_typing snapfw2 --restore /tmp/snapfw
	say snapfw2 efivar L2-EFIVAR2
	typing_done
	run=snapfw2
	expect -f /tmp/snapfw.cmd -f /tmp/snapfw.out -f /tmp/snapfw2.out -f /tmp/snapfw2.err \
		"firmware mode, restored: the guest answers on the PL011; UEFI's runtime services write a variable and read back the one written before the snapshot" \
		[ "$status" = 0 -a "$(value snapfw2 L2-EFIVAR)" = lkvm-persisted \
		  -a "$(value snapfw2 L2-EFIVAR2)" = after-restore ] &&
		has snapfw "^L2-EFIVAR-WRITTEN" && has snapfw2 "^L2-EFIVAR2-WRITTEN" &&
		! has snapfw2 "UEFI firmware|L2-INIT-REACHED"
	dd if=/dev/zero of=/tmp/snapfw-vars.fd bs=1M count=1 2>/dev/null
	one_line_error "--restore with --flash of a snapshot whose variable store was in memory: one line" \
		"^lkvm: --restore /tmp/snapfw: the snapshot's variable store was in memory, this VM's is --flash /tmp/snapfw-vars.fd\$" \
		timeout 120 lkvm run --restore /tmp/snapfw --flash /tmp/snapfw-vars.fd
}

# SDEI: snapshot while critical event 2's handler runs on vCPU 0 over
# event 1's normal one (the payload waits there at "WAIT B2"); in the
# restored VM both complete in order, event 2 having seen event 1 still
# running and its interrupted context exact, and the events registered
# before the snapshot fire when signalled.
snapshot_sdei_checks() {
	sd() { lkvm sdei --name "$sd_name" "$@"; }
	sd_name=snapsdei
	lkvm run -k $P/sdei_host.flat -c 2 -m 64 --sdei --name snapsdei </dev/null \
		>/tmp/snapsdei.out 2>/tmp/snapsdei.err &
	vm_pid=$!
	{
		wait_line /tmp/snapsdei.out "WAIT A" && sd --signal 1 --vcpu 0
		wait_line /tmp/snapsdei.out "WAIT B" && sd --signal 2 --vcpu 0
		wait_line /tmp/snapsdei.out "WAIT B2" && sd --status > /tmp/snapsdei.before &&
			lkvm snapshot -n snapsdei /tmp/snap-sdei --stop
	} > /tmp/snapsdei.cmds 2>&1
	wait $vm_pid
	sd_name=snapsdei2
	lkvm run --restore /tmp/snap-sdei --name snapsdei2 </dev/null \
		>/tmp/snapsdei2.out 2>/tmp/snapsdei2.err &
	vm_pid=$!
	{
		wait_socket snapsdei2 && sd --status > /tmp/snapsdei.after
		sd --signal 16
		wait_line /tmp/snapsdei2.out "WAIT C" && sd --signal 1 --vcpu 0 && sd --signal 16
		wait_line /tmp/snapsdei2.out "WAIT D" && sd --signal 17
	} >> /tmp/snapsdei.cmds 2>&1
	wait $vm_pid
	status=$?
	echo "#   restored SDEI VM: exit status $status"
	guest_checks snapsdei2 "sdei after restore"
	expect -f /tmp/snapsdei.before -f /tmp/snapsdei.after -f /tmp/snapsdei.cmds \
		"sdei after restore: lkvm sdei --status shows the same dispatcher (events 1 and 2 running on vCPU 0) before and after" \
		eval '[ "$status" = 0 ] && grep -q "^vCPU 0 (MPIDR 0x80000000): unmasked, running: event 1 event 2\$" /tmp/snapsdei.before &&
		      diff /tmp/snapsdei.before /tmp/snapsdei.after'
}

snapshot_bad_input_checks() {
	one_line_error "--restore of a directory that does not exist: one line, exit 1" \
		"^lkvm: --restore /tmp/nosuch: .*/tmp/nosuch: cannot open it" \
		timeout 120 lkvm run --restore /tmp/nosuch
	mkdir -p /tmp/snapbad
	one_line_error "--restore of a directory without a manifest: not a snapshot, or one not finished" \
		"^lkvm: --restore /tmp/snapbad: /tmp/snapbad: no manifest: not a snapshot, or one not finished\$" \
		timeout 120 lkvm run --restore /tmp/snapbad
	one_line_error "--restore with --flash of a VM without --firmware: one line" \
		"^lkvm: --restore /tmp/snap1: --flash: holds UEFI variables, and the snapshot's VM has no --firmware\$" \
		timeout 120 lkvm run --restore /tmp/snap1 --flash /tmp/snap1/state
	one_line_error "--restore with -k: the snapshot holds the configuration" \
		"^lkvm: --restore: '-k' is not taken: the snapshot records the VM's configuration" \
		timeout 120 lkvm run --restore /tmp/snap1 -k $P/hello.flat
	# Broken copies: the files linked, the one to break copied first.
	for d in snapv snapt snapc snapm; do
		mkdir /tmp/$d && ln /tmp/snap1/* /tmp/$d/
	done
	sed -i 's/^lkvm snapshot 1\.0$/lkvm snapshot 2.0/' /tmp/snapv/manifest
	one_line_error "--restore of a snapshot of another format version: one line" \
		"^lkvm: --restore /tmp/snapv: line 1: snapshot format 2\.0, this lkvm reads 1\.0 to 1\.0\$" \
		timeout 120 lkvm run --restore /tmp/snapv
	state_size=$(stat -c %s /tmp/snap1/state)
	rm /tmp/snapt/state
	head -c $((state_size - 8)) /tmp/snap1/state > /tmp/snapt/state
	one_line_error "--restore of a truncated state file: one line" \
		"^lkvm: --restore /tmp/snapt: state: truncated or grown since the snapshot\$" \
		timeout 120 lkvm run --restore /tmp/snapt
	rm /tmp/snapc/state
	cp /tmp/snap1/state /tmp/snapc/state
	printf '\377' | dd of=/tmp/snapc/state bs=1 seek=100 conv=notrunc 2>/dev/null
	one_line_error "--restore of a corrupted state file: one line" \
		"^lkvm: --restore /tmp/snapc: state: corrupted" timeout 120 lkvm run --restore /tmp/snapc
	# Taken on other CPUs: the machine record's MIDR changed, and the
	# manifest's CRC-32 made to match (gzip's trailer holds the CRC-32).
	mkdir /tmp/snapcpu
	for f in memory tags; do [ ! -e /tmp/snap1/$f ] || ln /tmp/snap1/$f /tmp/snapcpu/; done
	cp /tmp/snap1/state /tmp/snapcpu/state
	config_len=$(od -An -tu4 -j24 -N4 /tmp/snap1/state | tr -d ' ')
	midr_at=$((16 + 16 + (config_len + 7) / 8 * 8 + 16 + 24))
	printf '\001\002\003\004\005\006\007\010' |
		dd of=/tmp/snapcpu/state bs=1 seek=$midr_at conv=notrunc 2>/dev/null
	crc=$(gzip -c /tmp/snapcpu/state | tail -c 8 | od -An -tx4 -N4 | tr -d ' ')
	sed "s/^file state \([0-9]*\) crc32 .*/file state \1 crc32 $crc/" /tmp/snap1/manifest \
		> /tmp/snapcpu/manifest
	one_line_error "--restore of a snapshot taken on other CPUs (another MIDR): one line naming both" \
		"^lkvm: --restore /tmp/snapcpu: the snapshot was taken on CPUs with MIDR 0x807060504030201, these are 0x[0-9a-f]+\$" \
		timeout 120 lkvm run --restore /tmp/snapcpu
	# From a host whose KVM has a register this one lacks: vCPU 0's first
	# register (X0) renamed to a system register no KVM has.
	mkdir /tmp/snapreg
	for f in memory tags; do [ ! -e /tmp/snap1/$f ] || ln /tmp/snap1/$f /tmp/snapreg/; done
	cp /tmp/snap1/state /tmp/snapreg/state
	reg_at=$((16 + 16 + (config_len + 7) / 8 * 8 + 16 + 48 + 16))
	first_reg=$(od -An -tx8 -j$reg_at -N8 /tmp/snap1/state | tr -d ' ')
	printf '\377\377\023\000\000\000\060\140' |
		dd of=/tmp/snapreg/state bs=1 seek=$reg_at conv=notrunc 2>/dev/null
	crc=$(gzip -c /tmp/snapreg/state | tail -c 8 | od -An -tx4 -N4 | tr -d ' ')
	sed "s/^file state \([0-9]*\) crc32 .*/file state \1 crc32 $crc/" /tmp/snap1/manifest \
		> /tmp/snapreg/manifest
	expect -f none "the snapshot's vCPU 0 list starts with X0 (0x6030000000100000): $first_reg" \
		[ "$first_reg" = 6030000000100000 ]
	one_line_error "--restore of a snapshot with a register this host's KVM lacks: one line naming it" \
		"^lkvm: --restore /tmp/snapreg: vCPU 0: this host's KVM refuses the snapshot's register 0x603000000013ffff: .+\$" \
		timeout 120 lkvm run --restore /tmp/snapreg
	# A corrupted tags file is found as it is restored, before the guest runs.
	if [ -e /tmp/snap1/tags ]; then
		mkdir /tmp/snapg
		ln /tmp/snap1/manifest /tmp/snap1/state /tmp/snap1/memory /tmp/snapg/
		cp /tmp/snap1/tags /tmp/snapg/tags
		printf '\017' | dd of=/tmp/snapg/tags bs=1 seek=4096 conv=notrunc 2>/dev/null
	fi
	one_line_error "--restore of a corrupted MTE tags file: one line" \
		"^lkvm: --restore /tmp/snapg: tags: corrupted \(its CRC-32 is not the manifest's\)\$" \
		timeout 120 lkvm run --restore /tmp/snapg
	rm /tmp/snapm/memory
	dd if=/dev/zero of=/tmp/snapm/memory bs=1M count=0 seek=64 2>/dev/null
	one_line_error "--restore of a truncated memory file: one line" \
		"^lkvm: --restore /tmp/snapm: memory: truncated or grown since the snapshot\$" \
		timeout 120 lkvm run --restore /tmp/snapm
	one_line_error "lkvm snapshot into a directory that is not empty: one line" \
		"^lkvm: snapshot: /tmp/snap1: a snapshot goes into a new or empty directory" \
		lkvm snapshot --name snapsrc /tmp/snap1
	one_line_error "lkvm snapshot of a VM that is not running: one line" \
		"^lkvm: --name nosuch: no VM of that name is running" \
		lkvm snapshot --name nosuch /tmp/snapx
	expect -f none "a failed lkvm snapshot leaves no manifest and no stray file" \
		eval '[ ! -e /tmp/snapx/manifest ] && [ -z "$(ls -A /tmp/snapx)" ]'
}
