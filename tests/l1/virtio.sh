# The virtio scenarios (sourced by mode-check.sh): a Linux guest uses
# virtio-blk, virtio-rng and virtio-console; the host side checks what the
# guest did with e2fsprogs' own tools.

# make_disk FILE: a 64 MiB ext4 image holding known.txt and a 16 MiB filler.
make_disk() {
	rm -rf /tmp/disk-root "$1"
	mkdir -p /tmp/disk-root
	echo "known content 42" > /tmp/disk-root/known.txt
	dd if=/dev/urandom of=/tmp/disk-root/filler bs=1M count=16 2>/dev/null
	$ROOT/sbin/mke2fs -q -F -t ext4 -d /tmp/disk-root "$1" 64M
}

# disk_rw NAME LABEL TRANSPORT IRQ-PATTERN ARGS...: the guest mounts a fresh
# image, reads known.txt, writes new.txt, trims the freed filler, powers off.
# With --rng among ARGS, the guest also reads virtio-rng on that transport.
disk_rw() {
	run=$1 label=$2 t=$3 irq=$4
	shift 4
	case " $* " in *" --rng "*) rng=lkvmtest.rng ;; *) rng= ;; esac
	make_disk /tmp/$run.img
	before_kb=$(du -k /tmp/$run.img | cut -f1)
	lkvm_run $run -k $K -i $I -c 1 -m 256 -d /tmp/$run.img "$@" \
		--virtio-transport $t -p "quiet lkvmtest.action=disk $rng"
	want=$(seq 1 100000 | md5sum | cut -d' ' -f1)
	got=$($ROOT/sbin/debugfs -R "cat /new.txt" /tmp/$run.img 2>/dev/null | md5sum | cut -d' ' -f1)
	after_kb=$(du -k /tmp/$run.img | cut -f1)
	expect "virtio-blk $label: the guest mounts the ext4 image and reads known.txt (exit $status)" \
		[ "$status" = 0 -a "$(value $run L2-KNOWN)" = "known content 42" ]
	expect "virtio-blk $label: a writable disk of 131072 sectors with serial lkvm-disk0" \
		[ "$(value $run L2-VDA-RO)" = 0 -a "$(value $run L2-VDA-SECTORS)" = 131072 \
		  -a "$(value $run L2-VDA-SERIAL)" = lkvm-disk0 ]
	expect "virtio-blk $label: debugfs finds the guest's new.txt intact in the image" \
		[ "$got" = "$want" -a "$(value $run L2-WROTE)" = "$want" ]
	echo "#   image ${before_kb} KiB allocated before, ${after_kb} KiB after the guest's fstrim"
	expect "virtio-blk $label: fstrim in the guest punches the freed 16 MiB out of the image" \
		[ $((before_kb - after_kb)) -ge 12000 ]
	expect "virtio-blk $label: interrupts arrive as $irq" has $run "^L2-IRQ .*$irq"
	[ -n "$rng" ] || return 0
	r1=$(value $run L2-RNG1) r2=$(value $run L2-RNG2)
	expect "virtio-rng $t: /dev/hwrng is virtio_rng.0 and gives two different reads" \
		[ "$(value $run L2-HWRNG)" = virtio_rng.0 -a -n "$r1" -a "$r1" != "$r2" \
		  -a "$(value $run L2-RNG-BYTES)" -gt 0 ]
}

# virtio-net over a tap lkvm creates: ping and a file through nc, both ways.
net_checks() {
	run=net
	insmod $ROOT/lib/tun.ko 2>/dev/null
	# The listener hands the connection to a script that saves it (nc's
	# own stdin would end the connection at its EOF).
	printf '#!/bin/sh\nexec cat > /tmp/from-guest\n' > /tmp/recv
	chmod 755 /tmp/recv
	: > /tmp/from-guest
	nc -l -p 5001 -e /tmp/recv &
	listener=$!
	timeout 600 lkvm run -k $K -i $I -c 1 -m 256 -n mode=tap,tapif=lkvmtap0 \
		-p "quiet lkvmtest.action=net" </dev/null >/tmp/net.out 2>/tmp/net.err &
	vm_pid=$!
	host_ping=failed sent=
	if wait_line /tmp/net.out L2-NC-LISTENING; then
		ping -c 2 -W 10 192.168.33.15 >/dev/null && host_ping=ok
		seq 1 30000 | nc -w 3 192.168.33.15 5002 && sent=ok
	fi
	wait $vm_pid
	status=$?
	kill $listener 2>/dev/null
	expect "virtio-net: the guest's NIC has MAC 02:15:15:15:15:15 (exit $status)" \
		[ "$status" = 0 -a "$(value net L2-MAC)" = 02:15:15:15:15:15 ]
	expect "virtio-net: the guest pings the host's end of the tap (192.168.33.1)" \
		[ "$(value net L2-PING)" = ok ]
	expect "virtio-net: the host pings the guest (192.168.33.15)" [ "$host_ping" = ok ]
	expect "virtio-net: a file sent by the guest with nc arrives intact" \
		[ "$(md5sum < /tmp/from-guest)" = "$(seq 1 50000 | md5sum)" ]
	expect "virtio-net: a file sent by the host with nc arrives intact" \
		[ "$sent" = ok -a "$(value net L2-FROM-HOST)" = "$(seq 1 30000 | md5sum | cut -d' ' -f1)" ]
}

# A bare-metal driver breaks a live disk's queue four ways (virtio_break.c);
# lkvm says why each time, once, and keeps serving the guest to its end.
break_checks() {
	printf 'LKVM-BREAK-DISK\n' > /tmp/break.img
	dd if=/dev/zero of=/tmp/break.img bs=512 seek=1 count=7 2>/dev/null
	lkvm_run break -k $P/virtio_break.flat -c 1 -m 64 --virtio-transport mmio \
		-d /tmp/break.img --rng
	guest_checks break "virtio_break payload"
	expect "virtio_break payload: lkvm exits 0" [ "$status" = 0 ]
	for why in "descriptor chain loops" "buffer outside guest RAM" \
		   "indirect descriptor inside an indirect table" "ring outside guest RAM"; do
		expect "virtio_break payload: lkvm warns once: $why" \
			[ "$(grep -c "^lkvm: warning: virtio-blk0: queue 0: $why; the device needs a reset$" /tmp/break.err)" = 1 ]
	done
	expect "virtio_break payload: lkvm says nothing else but its start and the power-off" \
		[ "$(grep -vc '^lkvm: run \|^lkvm: guest powered off$' /tmp/break.err)" = 4 ]
}

virtio_checks() {
	break_checks

	disk_rw blk-pci pci/MSI-X pci "ITS-PCI-MSIX-0000:00:00.0 +1 Edge +virtio0-req.0" --rng
	disk_rw blk-intx pci/INTx pci "GICv3 +35 Level +virtio0\$" --irqchip gicv3
	disk_rw blk-mmio mmio mmio "GICv3 +48 Edge +virtio0\$" --rng

	# Two disks at once, the second ,ro and ,direct: the guest sees a
	# read-only disk and cannot change a byte of its image.
	run=blk-two
	make_disk /tmp/$run-a.img
	make_disk /tmp/$run-b.img
	sum=$(md5sum < /tmp/$run-b.img)
	lkvm_run $run -k $K -i $I -c 1 -m 256 -d /tmp/$run-a.img \
		-d /tmp/$run-b.img,ro,direct -p "quiet lkvmtest.action=disk"
	expect "virtio-blk: two disks, the first writable (exit $status)" \
		[ "$status" = 0 -a "$(value $run L2-VDA-RO)" = 0 ]
	expect "virtio-blk ,ro: the second disk is read-only with serial lkvm-disk1 and mounts" \
		[ "$(value $run L2-VDB-RO)" = 1 -a "$(value $run L2-VDB-SERIAL)" = lkvm-disk1 \
		  -a "$(value $run L2-VDB-KNOWN)" = "known content 42" ]
	expect "virtio-blk ,ro: the guest's raw and file writes are refused" \
		[ "$(value $run L2-VDB-RAW-WRITE)" = refused -a "$(value $run L2-VDB-FS-WRITE)" = refused ]
	expect "virtio-blk ,ro: the image is unchanged byte for byte" \
		[ "$(md5sum < /tmp/$run-b.img)" = "$sum" ]

	net_checks

	expect -f /tmp/pty.err "virtio-console: init talks on hvc0 and reads a line typed there" \
		eval 'ptytest "$ROOT/bin/lkvm" $K hvc $I 2>/tmp/pty.err'

	# Not a terminal: lines piped into lkvm's stdin reach the serial console.
	rm -f /tmp/pipe.in
	mkfifo /tmp/pipe.in
	timeout 600 lkvm run -k $K -i $I -c 1 -m 256 -p "quiet lkvmtest.action=hvc" \
		</tmp/pipe.in >/tmp/pipe.out 2>/tmp/pipe.err &
	vm_pid=$!
	exec 3>/tmp/pipe.in
	if wait_line /tmp/pipe.out L2-HVC-READY; then
		echo "typed through a pipe" >&3
		wait_line /tmp/pipe.out L2-HVC-GOT || kill $vm_pid
	fi
	exec 3>&-
	wait $vm_pid
	status=$?
	run=pipe
	expect "console: a line piped into lkvm's stdin reaches the guest's ttyS0 (exit $status)" \
		[ "$status" = 0 -a "$(value pipe L2-CONSOLE)" = ttyS0 \
		  -a "$(value pipe L2-HVC-GOT)" = "typed through a pipe" ]

	# Bad disks: one line naming the option, the file and the reason.
	one_line_error "bad input: --disk of a missing file" \
		'^lkvm: --disk /nonexistent.img: cannot open: No such file or directory$' \
		lkvm run -k $K -d /nonexistent.img
	one_line_error "bad input: --disk of a character device" \
		'^lkvm: --disk /dev/null: not a regular file nor a block device$' \
		lkvm run -k $K -d /dev/null,ro
	# A second VM on a disk the first one uses is refused.
	make_disk /tmp/blk-lock.img
	lkvm run -k $P/ticker.flat -c 1 -m 64 -d /tmp/blk-lock.img </dev/null \
		>/tmp/locker.out 2>&1 &
	vm_pid=$!
	if wait_line /tmp/locker.out TICK; then
		one_line_error "bad input: --disk of an image another VM uses" \
			'^lkvm: --disk /tmp/blk-lock.img: in use by another process' \
			timeout 60 lkvm run -k $K -d /tmp/blk-lock.img
	else
		not_ok "bad input: --disk of an image another VM uses (the first VM did not start)" /tmp/locker.out
	fi
	kill $vm_pid
	wait $vm_pid
	one_line_error "bad input: --network mode=user with a tap's option" \
		'^lkvm: --network mode=user,tapif=tap0: tapif and host_ip are for mode=tap$' \
		lkvm run -k $K -n mode=user,tapif=tap0
	rm -f /tmp/blk-*.img
}
