# make bench, scenarios [6] and [7]: virtio-blk and virtio-net throughput,
# each as a ratio to the same transfer done by the emulated host itself,
# both sides measured by bench/iobench.c.
# [6] 128 MiB of O_DIRECT in 1 MiB and in 16 MiB blocks: the guest on
#     /dev/vda (virtio-blk, pci with MSI-X, over a tmpfs file) against the
#     host on that file. The two sizes separate what each request costs
#     from what each page costs.
# [7] 128 MiB over TCP into a receiver on the host, which times it: the
#     guest over virtio-net and tap against the host over loopback.
# Emulation's speed drifts, so host and guest take turns for five rounds
# (the guest is told on its console when to go) and medians are compared.
# Exits from the guest cost the most under emulation, and their count does
# not drift: KVM's own counters (debugfs) give them per MiB moved. One more
# turn of each, traced (tracefs), splits a MiB's time between the guest
# running, lkvm's system calls and neither.
# Needs lib.sh (wait_line).

rounds=5
blocks="1024 16384"

# rates FILE WHAT [KIB]: MB/s (10^6) of each "[L2-]iobench WHAT BYTES NS
# [KIB]" line.
rates() {
	sed -n "s/^\(L2-\)\{0,1\}iobench $2 //p" "$1" |
		awk -v kib="$3" '$3 == kib && $2 > 0 { printf "%.1f\n", $1 * 1e3 / $2 }'
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

# compare WHAT GUEST-FILE HOST-FILE KIND [KIB]: one result line from the
# medians.
compare() {
	g_rounds=$(rates "$2" "$4" "$5") h_rounds=$(rates "$3" "$4" "$5")
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

# guest_turn N WHAT...: the guest runs its WHAT part; done when it says
# turn N.
guest_turn() {
	n=$1
	shift
	echo "$@" >&3
	[ $1 = net ] && wait $recv_pid
	vm_pid=$lkvm_pid
	wait_line /tmp/vb.out "L2-ROUND $n $1"
}

trace=/sys/kernel/tracing

# trace_start CALL...: record from now the vCPU's entries into the guest and
# exits from it, and every CALL (a system call) made.
trace_start() {
	mount -t tracefs none $trace 2>/dev/null
	[ -w $trace/set_event ] || return 1
	echo 0 > $trace/tracing_on
	echo 8192 > $trace/buffer_size_kb
	echo > $trace/set_event
	for e in kvm:kvm_entry kvm:kvm_exit; do
		echo $e >> $trace/set_event || return 1
	done
	for call in "$@"; do
		echo syscalls:sys_enter_$call >> $trace/set_event &&
			echo syscalls:sys_exit_$call >> $trace/set_event || return 1
	done
	echo > $trace/trace
	echo 1 > $trace/tracing_on
}

trace_stop() {
	echo 0 > $trace/tracing_on
	echo > $trace/set_event
}

# trace_split WHAT HOST-MS CALL: from lkvm's first CALL to its last, the
# milliseconds per MiB that CALL moved which the guest ran (its own kernel
# and program), lkvm spent in CALL and in each other traced call, and
# neither ran (exits, wake-ups, notifications); the guest and lkvm may
# overlap. HOST-MS is the host's own ms per MiB for the same transfer, and
# HOST-MS over the guest's running time the best ratio lkvm could reach with
# the guest as it ran.
trace_split() {
	awk -v what="$1" -v host="$2" -v data="$3" '
	function hex(s,  i, v) {
		sub(/^0x/, "", s)
		for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	function guest_at(ts) { return guest + (entered ? ts - entered : 0) }
	{
		ts = $4 + 0
		if (!entered && !busy && seen)
			neither += ts - seen
		seen = ts
	}
	$5 == "kvm_entry:" { entered = ts }
	$5 == "kvm_exit:" && entered { guest += ts - entered; entered = 0 }
	$1 ~ /^lkvm-/ && $5 ~ /^sys_[a-z0-9]+\(/ && !started[$1] {
		started[$1] = ts
		guest_then[$1] = guest_at(ts)
		neither_then[$1] = neither
		busy++
	}
	$1 ~ /^lkvm-/ && $6 == "->" && started[$1] {
		call = substr($5, 5)
		if (call == data) {
			if (!requests++) {
				first = started[$1]
				guest_first = guest_then[$1]
				neither_first = neither_then[$1]
			}
			bytes += hex($7)
			last = ts
			guest_last = guest_at(ts)
			neither_last = neither
		}
		n++
		name[n] = call
		end[n] = ts
		took[n] = ts - started[$1]
		started[$1] = 0
		busy--
	}
	END {
		if (!bytes) {
			print "bench   " what ": nothing traced"
			exit
		}
		ms = 1e3 * 1048576 / bytes
		ran = (guest_last - guest_first) * ms
		for (i = 1; i <= n; i++)
			if (end[i] >= first && end[i] <= last)
				in_call[name[i]] += took[i] * ms
		calls = sprintf("%s %.1f", data, in_call[data])
		for (c in in_call)
			if (c != data)
				calls = calls sprintf(", in %s %.1f", c, in_call[c])
		printf "bench   %s, traced (%d %s calls), ms per MiB: guest running %.1f, lkvm in %s, neither %.1f; the host alone %.1f, so a ratio of at most %.2f\n",
			what, requests, data, ran, calls, (neither_last - neither_first) * ms, host, (ran > 0 ? host / ran : 0)
	}' $trace/trace
}

# host_ms_per_mib FILE KIND [KIB]: the host's milliseconds per MiB over its
# "iobench KIND" lines in FILE (of KIB blocks).
host_ms_per_mib() {
	sed -n "s/^iobench $2 //p" "$1" |
		awk -v kib="$3" '$3 == kib { b += $1; t += $2 } END { if (b) printf "%.1f", t / 1e6 / (b / 1048576) }'
}

echo "bench: [6] virtio-blk (pci, MSI-X), 128 MiB of O_DIRECT in 1 MiB and in 16 MiB blocks: guest on /dev/vda against the host on its backing file"
echo "bench: [7] virtio-net over tap, 128 MiB guest to host over TCP, against the host's loopback"
rm -f /tmp/vb.in /tmp/vb.trace /tmp/host-*.out /tmp/exits-*
mount -t debugfs none /sys/kernel/debug 2>/dev/null
dd if=/dev/zero of=/tmp/vb.img bs=1M count=128 2>/dev/null
ifconfig lo up
insmod $ROOT/lib/tun.ko 2>/dev/null
mkfifo /tmp/vb.in
timeout 900 lkvm run -k $ROOT/guest/Image -i $ROOT/guest/initrd.cpio.gz -c 1 -m 256 \
	-d /tmp/vb.img -n mode=tap,tapif=lkvmbench0 -p "quiet lkvmtest.action=bench" \
	</tmp/vb.in >/tmp/vb.out 2>/tmp/vb.err &
lkvm_pid=$!
exec 3>/tmp/vb.in
vm_pid=$lkvm_pid
turn=0
if wait_line /tmp/vb.out L2-BENCH-READY; then
	round=0
	while [ $round -lt $rounds ]; do
		for kib in $blocks; do
			iobench write /tmp/vb.img 128 $kib >> /tmp/host-disk.out
			iobench read /tmp/vb.img 128 $kib >> /tmp/host-disk.out
			turn=$((turn + 1))
			count_exits /tmp/exits-disk-$kib guest_turn $turn disk $kib || break 2
		done

		receiver
		iobench send 127.0.0.1 5003 128
		wait $recv_pid
		cat /tmp/recv.out >> /tmp/host-net.out
		receiver
		turn=$((turn + 1))
		count_exits /tmp/exits-net guest_turn $turn net || break
		cat /tmp/recv.out >> /tmp/guest-net.out
		round=$((round + 1))
	done
fi
tr -d '\r' < /tmp/vb.out > /tmp/vb.lines
# The traced turns, apart from the measured ones: tracing costs time.
echo "bench   lkvm's anonymous memory (guest RAM) in transparent huge pages: $(sed -n 's/^AnonHugePages: *//p' /proc/$lkvm_pid/smaps_rollup)" > /tmp/vb.trace
for kib in $blocks; do
	turn=$((turn + 1))
	if [ "${round:-0}" = $rounds ] && trace_start pwritev preadv && guest_turn $turn disk $kib; then
		trace_stop
		for dir in write read; do
			trace_split "virtio-blk $dir, $kib KiB blocks" \
				"$(host_ms_per_mib /tmp/host-disk.out $dir $kib)" p${dir}v >> /tmp/vb.trace
		done
	else
		trace_stop 2>/dev/null
		echo "bench   virtio-blk, $kib KiB blocks: no traced turn (no tracefs, or the guest stopped)" >> /tmp/vb.trace
	fi
done
turn=$((turn + 1))
if [ "${round:-0}" = $rounds ] && receiver && trace_start writev readv && guest_turn $turn net; then
	trace_stop
	trace_split "virtio-net guest to host" "$(host_ms_per_mib /tmp/host-net.out recv)" writev >> /tmp/vb.trace
else
	trace_stop 2>/dev/null
	echo "bench   virtio-net: no traced turn (no tracefs, or the guest stopped)" >> /tmp/vb.trace
fi
echo done >&3
exec 3>&-
wait $lkvm_pid
for kib in $blocks; do
	compare "virtio-blk write, $kib KiB blocks" /tmp/vb.lines /tmp/host-disk.out write $kib
	compare "virtio-blk read, $kib KiB blocks" /tmp/vb.lines /tmp/host-disk.out read $kib
	exits_per_mib "virtio-blk write and read, $kib KiB blocks" /tmp/exits-disk-$kib 256
done
compare "virtio-net guest to host" /tmp/guest-net.out /tmp/host-net.out recv
exits_per_mib "virtio-net guest to host" /tmp/exits-net 128
cat /tmp/vb.trace
rm -f /tmp/vb.img /tmp/vb.in /tmp/vb.trace
