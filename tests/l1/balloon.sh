# --balloon: virtio-balloon with free page reporting, sourced by the modes
# that run it. A Linux guest holds 200 MiB and lets it go; lkvm's resident
# memory, read from /proc, falls back as the guest reports the pages free.
# lkvm stat shows the guest's statistics; lkvm balloon inflates and
# deflates it; refused: stat of a VM without a balloon, a snapshot.

# rss PID: its resident set, in KiB.
rss() {
	sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB$/\1/p' /proc/$1/status
}

# balloon_size: what lkvm stat says the guest holds in the balloon.
balloon_size() {
	lkvm stat -n balloon -m 2>/dev/null | awk '/^balloon size \(bytes\)/ { print $NF }'
}

# free_memory: what the guest says is free, from lkvm stat.
free_memory() {
	lkvm stat -n balloon -m 2>/dev/null | awk '/^free memory \(bytes\)/ { print $NF }'
}

# until_balloon_size BYTES: up to a minute, until the guest holds that.
until_balloon_size() {
	n=0
	until [ "$(balloon_size)" = $1 ] || [ $n -gt 60 ]; do
		sleep 1
		n=$((n + 1))
	done
}

# lkvm balloon -i 128, until the guest holds it; then -d 128, until it is empty.
balloon_inflate_deflate() {
	free_before=$(free_memory)
	lkvm balloon -n balloon -i 128 > /tmp/balloon.inflate 2>&1
	echo "rc=$?" >> /tmp/balloon.inflate
	until_balloon_size 134217728
	inflated=$(balloon_size) free_inflated=$(free_memory)
	lkvm balloon -n balloon -d 128 > /tmp/balloon.deflate 2>&1
	echo "rc=$?" >> /tmp/balloon.deflate
	until_balloon_size 0
	deflated=$(balloon_size)
}

balloon_checks() {
	timeout 600 lkvm run -k $K -i $I -c 1 -m 512 --balloon --name balloon \
		-p "quiet lkvmtest.action=balloon" </dev/null >/tmp/balloon.out 2>/tmp/balloon.err &
	vm_pid=$!
	held= freed= pid=
	if wait_line /tmp/balloon.out L2-BALLOON-HELD; then
		pid=$(lkvm list | awk '$2 == "balloon" { print $1 }')
		# The peak while the guest holds it: dd may still be filling it.
		held=$(rss $pid)
		n=0
		until has balloon "^L2-BALLOON-FREED" || [ $n -gt 120 ]; do
			cur=$(rss $pid)
			[ "${cur:-0}" -gt "$held" ] && held=$cur
			sleep 1
			n=$((n + 1))
		done
		if wait_line /tmp/balloon.out L2-BALLOON-FREED; then
			# Linux reports free pages 2 s after they gather; allow a minute.
			n=0
			freed=$(rss $pid)
			while [ $((held - freed)) -lt 153600 ] && [ $n -lt 60 ]; do
				sleep 1
				n=$((n + 1))
				freed=$(rss $pid)
			done
		fi
		lkvm stat -n balloon -m > /tmp/balloon.stat 2>&1
		echo "rc=$?" >> /tmp/balloon.stat
		balloon_inflate_deflate
		rm -rf /tmp/balloon.snap
		lkvm snapshot --name balloon /tmp/balloon.snap > /tmp/balloon.snapout 2>&1
		echo "rc=$?" >> /tmp/balloon.snapout
	fi
	lkvm stop --name balloon >/dev/null 2>&1
	wait $vm_pid
	status=$?
	run=balloon
	echo "#   lkvm's RSS: ${held:-?} KiB with 200 MiB held, ${freed:-?} KiB ${n:-?} s after it was let go"
	features=$(value balloon L2-BALLOON-FEATURES)
	total_kib=$(awk '/^total memory \(bytes\)/ { print $NF / 1024 }' /tmp/balloon.stat)
	expect "--balloon: the guest's driver takes the statistics queue and free page reporting" \
		eval '[ "$(echo "$features" | cut -c2)" = 1 ] && [ "$(echo "$features" | cut -c6)" = 1 ]'
	expect "--balloon: 200 MiB the guest held and let go returns to the host: lkvm's RSS falls by 150 MiB or more" \
		eval '[ -n "$held" ] && [ -n "$freed" ] && [ $((held - freed)) -ge 153600 ]'
	expect -f /tmp/balloon.stat "lkvm stat -m: a fresh report from the guest, its total memory its MemTotal; exit 0" \
		eval 'grep -qx "rc=0" /tmp/balloon.stat && ! grep -q warning /tmp/balloon.stat &&
		      grep -q "^VM '\''balloon'\'': guest memory statistics (virtio-balloon)$" /tmp/balloon.stat &&
		      [ "$total_kib" = "$(value balloon L2-MEMTOTAL-KB)" ] &&
		      grep -q "^free memory (bytes) *[0-9][0-9]*$" /tmp/balloon.stat'
	echo "#   guest free memory: $free_before bytes, $free_inflated with 128 MiB in the balloon"
	expect -f /tmp/balloon.inflate "lkvm balloon -i 128: the guest puts 128 MiB in the balloon, which its free memory loses" \
		eval '[ "$(cat /tmp/balloon.inflate)" = "VM '\''balloon'\'': balloon target 128 MiB (it holds 0 MiB)
rc=0" ] && [ "$inflated" = 134217728 ] && [ $((free_before - free_inflated)) -ge 125829120 ]'
	expect -f /tmp/balloon.deflate "lkvm balloon -d 128: the guest takes it all back" \
		eval 'grep -qx "VM '\''balloon'\'': balloon target 0 MiB (it holds 128 MiB)" /tmp/balloon.deflate &&
		      [ "$deflated" = 0 ]'
	expect -f /tmp/balloon.snapout "lkvm snapshot of a --balloon VM: refused in one line; the VM runs on" \
		eval '[ "$(cat /tmp/balloon.snapout)" = "lkvm: VM '\''balloon'\'': a VM with --balloon cannot be snapshotted yet
rc=1" ] && [ ! -e /tmp/balloon.snap/manifest ] && [ "$status" = 0 ]'

	timeout 600 lkvm run -k $P/ticker.flat -c 1 -m 64 --name noballoon </dev/null \
		>/tmp/noballoon.out 2>/tmp/noballoon.err &
	vm_pid=$!
	wait_line /tmp/noballoon.out "TICK 1"
	one_line_error "lkvm stat of a VM without --balloon: one line, exit 1" \
		"^lkvm: VM 'noballoon' runs without --balloon$" lkvm stat -n noballoon -m
	one_line_error "lkvm balloon of a VM without --balloon: one line, exit 1" \
		"^lkvm: VM 'noballoon' runs without --balloon$" lkvm balloon -n noballoon -i 16
	one_line_error "lkvm balloon -i 0: one line, exit 1" \
		"^lkvm: --inflate 0: a number of MiB, 1 to 1048576$" lkvm balloon -n noballoon -i 0
	lkvm stop --name noballoon >/dev/null 2>&1
	wait $vm_pid
}
