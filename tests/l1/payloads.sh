# Bare-metal payloads (flat binaries at RAM + 0x80000), guest RAM's huge
# pages, and the console on a terminal.

payload_checks() {
	lkvm_run hello -k $P/hello.flat -c 1 -m 64 --loglevel debug
	echo "#   hello: exit status $status"
	expect "flat binary runs, x0 = DTB, PSCI SYSTEM_OFF exits 0" \
		eval '[ "$status" = 0 ] && has hello "^hello from a flat binary\$" &&
		      has hello "^x0 points at a device tree\$"'
	expect "an unhandled MMIO read returns 0, is logged at debug level, the guest goes on" \
		eval 'has hello "^unmapped MMIO reads as zero\$" &&
		      grep -q "^lkvm: debug: vCPU 0: unhandled MMIO read of 4 bytes at 0xa000000\$" /tmp/hello.err'

	# A symlink planted where the DTB goes is replaced, its target untouched.
	echo precious > /tmp/victim
	ln -sf /tmp/victim /tmp/guest.dtb
	lkvm_run dtb -k $P/hello.flat -c 2 -m 64 --nodefaults -p 'verbatim params' \
		--dump-dtb /tmp/guest.dtb
	magic=$(hexdump -n 4 -e '4/1 "%02x"' /tmp/guest.dtb 2>/dev/null)
	echo "#   dtb: exit status $status, magic '$magic', victim '$(cat /tmp/victim)'"
	expect -f /tmp/dtb.err \
		"--dump-dtb writes the DTB over a symlink, not through it; --nodefaults passes -p verbatim" \
		eval '[ "$status" = 0 ] && [ "$magic" = d00dfeed ] && grep -q "verbatim params" /tmp/guest.dtb &&
		      ! grep -q console=ttyS0 /tmp/guest.dtb && [ ! -L /tmp/guest.dtb ] &&
		      [ "$(cat /tmp/victim)" = precious ]'

	lkvm_run reset -k $P/reset.flat -c 1 -m 64
	echo "#   reset: exit status $status"
	expect "PSCI SYSTEM_RESET ends lkvm with status 2 and one line, 'lkvm: guest reset'" \
		eval '[ "$status" = 2 ] && has reset "^resetting\$" &&
		      [ "$(grep -v "^lkvm: run " /tmp/reset.err)" = "lkvm: guest reset" ]'

	lkvm_run nisv -k $P/nisv.flat -c 1 -m 64 --loglevel warning
	echo "#   nisv: exit status $status"
	expect "a vCPU failure exits 1 with one line naming the vCPU" \
		eval '[ "$status" = 1 ] && [ "$(wc -l < /tmp/nisv.err)" = 1 ] &&
		      grep -q "^lkvm: vCPU 0 at PC 0x400800[0-9a-f][0-9a-f]: .*cannot emulate" /tmp/nisv.err'
}

thp_checks() {
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
}

# The console on a terminal: raw mode, keys to the guest, Ctrl-a x.
terminal_checks() {
	expect -f /tmp/pty.err "terminal stdin reaches the guest's UART; terminal mode restored" \
		eval 'ptytest "$ROOT/bin/lkvm" $P/echo.flat echo 2>/tmp/pty.err'
	expect -f /tmp/pty.err "Ctrl-a x quits with status 0; terminal mode restored" \
		eval 'ptytest "$ROOT/bin/lkvm" $P/echo.flat escape 2>/tmp/pty.err'

	# Host input waits for hvc0, which has no buffers, while the guest drains
	# the 16550 in loopback again and again: input must wait, not overrun.
	run=flood
	head -c 1000000 /dev/zero | timeout 600 lkvm run -k $P/console_flood.flat -c 1 -m 64 \
		--console virtio >/tmp/flood.out 2>/tmp/flood.err
	status=$?
	guest_checks flood "console input with --console virtio and a draining 16550"
	echo "#   flood: exit status $status"
	expect -f /tmp/flood.err "console input with --console virtio and a draining 16550: lkvm exits 0" \
		[ "$status" = 0 ]
}
