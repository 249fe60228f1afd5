# make bench, scenarios [6] and [7]: virtio-blk and virtio-net throughput,
# each as a ratio to the same transfer done by the emulated host itself,
# both sides measured by bench/iobench.c.
# [6] 128 MiB in 1 MiB O_DIRECT blocks: the guest on /dev/vda (virtio-blk,
#     pci with MSI-X, over a tmpfs file) against the host on that file.
# [7] 128 MiB over TCP into a receiver on the host, which times it: the
#     guest over virtio-net and tap against the host over loopback.
# Emulation's speed drifts, so host and guest take turns for five rounds
# (the guest is told on its console when to go) and medians are compared.
# Exits from the guest cost the most under emulation, and their count does
# not drift: KVM's own counters (debugfs) give them per MiB moved.
# Needs lib.sh (wait_line).

rounds=5

# rates FILE WHAT: MB/s (10^6) of each "[L2-]iobench WHAT BYTES NS" line.
rates() {
	sed -n "s/^\(L2-\)\{0,1\}iobench $2 //p" "$1" | awk '$2 > 0 { printf "%.1f\n", $1 * 1e3 / $2 }'
}

# exit_counts: KVM's counters over the running VMs: all exits, MMIO
# handled in the kernel (queue notifications through ioeventfd), MMIO
# handled by lkvm, WFI.
exit_counts() {
	for s in exits mmio_exit_kernel mmio_exit_user wfi_exit_stat; do
		cat /sys/kernel/debug/kvm/*-*/$s 2>/dev/null | awk '{ t += $1 } END { printf "%d ", t }'
	done
}

# count_exits FILE CMD...: CMD; if it succeeds, the exits seen meanwhile
# are added to FILE's sums, whose fifth field counts the runs.
count_exits() {
	file=$1
	shift
	before=$(exit_counts)
	"$@" || return
	after=$(exit_counts)
	sums=$(cat "$file" 2>/dev/null || echo 0 0 0 0 0)
	echo "$before $after $sums" |
		awk '{ for (i = 1; i <= 4; i++) printf "%d ", $(i + 8) + $(i + 4) - $i; print $13 + 1 }' > "$file"
}

# exits_per_mib WHAT FILE MIB: a result line from count_exits' sums over
# runs that moved MIB each.
exits_per_mib() {
	awk -v what="$1" -v mib="$3" '$5 > 0 && $1 > 0 {
		mib *= $5
		printf "bench   %s, KVM exits per MiB: %.1f in all, of which %.1f queue notifications, %.1f MMIO to lkvm, %.1f WFI\n",
			what, $1 / mib, $2 / mib, $3 / mib, $4 / mib
		found = 1
	}
	END { if (!found) print "bench   " what ": no KVM exit counts (debugfs has no kvm directory?)" }' "$2" 2>/dev/null ||
		echo "bench   $1: no KVM exit counts"
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

# receiver: iobench recv on port 5003 in the background, its lines in
# /tmp/recv.out; listening on return.
receiver() {
	timeout 300 iobench recv 5003 > /tmp/recv.out &
	recv_pid=$!
	vm_pid=$recv_pid
	wait_line /tmp/recv.out "iobench listening"
}

# compare WHAT GUEST-FILE HOST-FILE KIND: one result line from the medians.
compare() {
	g_rounds=$(rates "$2" "$4") h_rounds=$(rates "$3" "$4")
	g=$(echo "$g_rounds" | median) h=$(echo "$h_rounds" | median)
	echo "bench   $1, per round: guest" $g_rounds "/ host" $h_rounds
	if [ -n "$g" ] && [ -n "$h" ]; then
		awk -v what="$1" -v g="$g" -v h="$h" 'BEGIN {
			printf "bench   %s: median guest %s MB/s, host %s MB/s, ratio %.2f\n", what, g, h, g / h }'
	else
		echo "bench   $1: no figure; see below"
		tail -n 5 /tmp/vb.lines /tmp/vb.err | sed 's/^/bench     /'
	fi
}

# guest_round WHAT N: the guest runs its WHAT part; done when it says round N.
guest_round() {
	echo $1 >&3
	[ $1 = net ] && wait $recv_pid
	vm_pid=$lkvm_pid
	wait_line /tmp/vb.out "L2-ROUND $2 $1"
}

echo "bench: [6] virtio-blk (pci, MSI-X), 128 MiB in 1 MiB O_DIRECT blocks: guest on /dev/vda against the host on its backing file"
echo "bench: [7] virtio-net over tap, 128 MiB guest to host over TCP, against the host's loopback"
rm -f /tmp/vb.in /tmp/host-*.out /tmp/exits-*
mount -t debugfs none /sys/kernel/debug 2>/dev/null
dd if=/dev/zero of=/tmp/vb.img bs=1M count=128 2>/dev/null
ifconfig lo up
insmod $ROOT/lib/tun.ko 2>/dev/null
mkfifo /tmp/vb.in
timeout 900 lkvm run --loglevel debug -k $ROOT/guest/Image -i $ROOT/guest/initrd.cpio.gz -c 1 -m 256 \
	-d /tmp/vb.img -n mode=tap,tapif=lkvmbench0 -p "quiet lkvmtest.action=bench" \
	</tmp/vb.in >/tmp/vb.out 2>/tmp/vb.err &
lkvm_pid=$!
exec 3>/tmp/vb.in
vm_pid=$lkvm_pid
if wait_line /tmp/vb.out L2-BENCH-READY; then
	round=0
	while [ $round -lt $rounds ]; do
		iobench write /tmp/vb.img 128 >> /tmp/host-disk.out
		iobench read /tmp/vb.img 128 >> /tmp/host-disk.out
		count_exits /tmp/exits-disk guest_round disk $((round * 2 + 1)) || break

		receiver
		iobench send 127.0.0.1 5003 128
		wait $recv_pid
		cat /tmp/recv.out >> /tmp/host-net.out
		receiver
		count_exits /tmp/exits-net guest_round net $((round * 2 + 2)) || break
		cat /tmp/recv.out >> /tmp/guest-net.out
		round=$((round + 1))
	done
fi
echo done >&3
exec 3>&-
wait $lkvm_pid
tr -d '\r' < /tmp/vb.out > /tmp/vb.lines
compare "virtio-blk write" /tmp/vb.lines /tmp/host-disk.out write
compare "virtio-blk read" /tmp/vb.lines /tmp/host-disk.out read
# Where a guest's MiB goes: in all, waiting on the device (the guest's
# /sys/block/vda/stat), and in lkvm's preadv/pwritev (its debug counters).
stat=$(sed -n "s/^L2-VDA-STAT //p" /tmp/vb.lines | sed -n '1p;$p' | tr '\n' ' ')
served=$(sed -n "s/^lkvm: debug: virtio-blk0: [0-9]* reads in \([0-9]*\) us, [0-9]* writes in \([0-9]*\) us$/\1 \2/p" /tmp/vb.err)
for dir in read write; do
	sed -n "s/^L2-iobench $dir //p" /tmp/vb.lines | awk -v dir=$dir -v stat="$stat" -v lkvm="$served" \
		-v host="$(sed -n "s/^iobench $dir //p" /tmp/host-disk.out | awk '{ b += $1; t += $2 } END { if (b) print t / 1e6 / (b / 1048576) }')" '
		{ bytes += $1; ns += $2 }
		END {
			if (!bytes || split(stat, s, " ") < 34 || split(lkvm, l, " ") < 2) {
				print "bench   virtio-blk " dir ": no breakdown"
				exit
			}
			mib = bytes / 1048576
			wait = dir == "read" ? s[21] - s[4] : s[25] - s[8]
			served = dir == "read" ? l[1] : l[2]
			printf "bench   virtio-blk %s, ms per MiB: guest %.1f, of which waiting on the device %.1f, of which in %s in lkvm %.1f; the host alone %.1f\n",
				dir, ns / 1e6 / mib, wait / mib, dir == "read" ? "preadv" : "pwritev", served / 1e3 / mib, host
		}'
done
compare "virtio-net guest to host" /tmp/guest-net.out /tmp/host-net.out recv
exits_per_mib "virtio-blk write and read" /tmp/exits-disk 256
exits_per_mib "virtio-net guest to host" /tmp/exits-net 128
rm -f /tmp/vb.img /tmp/vb.in
