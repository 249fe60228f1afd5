# make bench, scenario [9]: restoring a snapshot against booting cold, in
# the same emulated-host run. A Debian 6.12 guest (1 vCPU, 256 MiB, busybox
# initramfs) at its init's prompt is the snapshot point. Compared, as
# medians of alternating runs: exec to the prompt's line when booting,
# exec to the answer to a line typed on the console when restoring (the
# guest's first output after the snapshot point); peak RSS of each; the
# memory three restored guests take at once against three booted ones
# (PSS, which splits shared pages among their users); the snapshot's time
# (lkvm's own, pause to written) and size.
echo "bench: [9] snapshot and restore against a cold boot (Debian 6.12, 1 vCPU, 256 MiB, at init's prompt)"
export HOME=/tmp/home
mkdir -p $HOME/.lkvm
rm -rf /tmp/snapbench /tmp/snapbench.mem
boot_args="-k $ROOT/guest/Image -i $ROOT/guest/initrd.cpio.gz -c 1 -m 256"

lkvm run $boot_args -p "quiet lkvmtest.action=snapshot" --name snapbench </dev/null >/tmp/snapbench.out 2>/tmp/snapbench.err &
vm_pid=$!
wait_line /tmp/snapbench.out L2-SNAP-READY &&
	lkvm snapshot --name snapbench /tmp/snapbench --stop >/dev/null 2>&1
wait $vm_pid
echo "bench   snapshot: $(sed -n 's/^lkvm: lkvm snapshot: written in \([0-9]*\) ms.*/\1 ms (pause to files written and synced)/p' /tmp/snapbench.err);" \
	"files $(ls -l /tmp/snapbench | awk 'NR > 1 { printf "%s %d KiB, ", $NF, $5 / 1024 }')on disk $(du -sk /tmp/snapbench | cut -f1) KiB"

: > /tmp/snapbench.runs
for round in 1 2 3; do
	BENCH_STOP_AT_MARKER=1 startup-bench 1 L2-SNAP-READY "$ROOT/bin/lkvm" \
		-k $ROOT/guest/Image -i $ROOT/guest/initrd.cpio.gz -c 1 -m 256 \
		-p "quiet lkvmtest.action=snapshot" > /tmp/snapbench.run
	sed -n "s/^bench run 1: to 'L2-SNAP-READY' \([0-9.]*\) s, whole run [0-9.]* s, peak RSS \([0-9]*\) kB.*/cold \1 \2/p" \
		/tmp/snapbench.run >> /tmp/snapbench.runs
	BENCH_STDIN=typed BENCH_STOP_AT_MARKER=1 startup-bench 1 "L2-ECHO typed" "$ROOT/bin/lkvm" \
		--restore /tmp/snapbench > /tmp/snapbench.run
	sed -n "s/^bench run 1: to 'L2-ECHO typed' \([0-9.]*\) s, whole run [0-9.]* s, peak RSS \([0-9]*\) kB.*/restore \1 \2/p" \
		/tmp/snapbench.run >> /tmp/snapbench.runs
	grep "lkvm start-up" /tmp/snapbench.run | sed "s/^bench run 1: /bench   restore, round $round: /"
done
awk "$AWK_MEDIAN"'
	$1 == "cold" { ct[++nc] = $2; cr[nc] = $3 }
	$1 == "restore" { rt[++nr] = $2; rr[nr] = $3 }
	END {
		if (nc < 3 || nr < 3) { print "bench   [9] incomplete: " nc " boots and " nr " restores reached the point"; exit }
		t1 = median(ct, nc); t2 = median(rt, nr); r1 = median(cr, nc); r2 = median(rr, nr)
		printf "bench   to the snapshot point: cold boot %.2f s, restore %.3f s: restore/cold %.1f%%\n", t1, t2, 100 * t2 / t1
		printf "bench   peak RSS: cold boot %d kB, restore %d kB: restore/cold %.2f\n", r1, r2, r2 / r1
	}' /tmp/snapbench.runs

# pss_total PID...: the PSS and RSS of these processes, summed, in kB.
pss_total() {
	for p in "$@"; do cat /proc/$p/smaps_rollup; done |
		awk '$1 == "Pss:" { pss += $2 } $1 == "Rss:" { rss += $2 } END { print pss, rss }'
}
for kind in cold restore; do
	pids=
	for i in 1 2 3; do
		rm -f /tmp/snapbench$i.in
		mkfifo /tmp/snapbench$i.in
		if [ $kind = cold ]; then
			lkvm run $boot_args -p "quiet lkvmtest.action=snapshot" --name snapb$i \
				</tmp/snapbench$i.in >/tmp/snapb$i.out 2>&1 &
		else
			lkvm run --restore /tmp/snapbench --name snapb$i \
				</tmp/snapbench$i.in >/tmp/snapb$i.out 2>&1 &
		fi
		pids="$pids $!"
		eval "exec $((i + 2))>/tmp/snapbench$i.in"
	done
	for i in 1 2 3; do
		vm_pid=$(echo $pids | cut -d' ' -f$i)
		[ $kind = restore ] && echo typed >&$((i + 2))
		wait_line /tmp/snapb$i.out "$([ $kind = cold ] && echo L2-SNAP-READY || echo 'L2-ECHO typed')"
	done
	set -- $(pss_total $pids)
	echo "bench   three $kind guests at once: PSS $1 kB in all, RSS $2 kB in all"
	echo "$kind $1" >> /tmp/snapbench.mem
	for i in 1 2 3; do
		lkvm stop --name snapb$i >/dev/null 2>&1
		eval "exec $((i + 2))>&-"
	done
	for p in $pids; do wait $p; done
done
awk '$1 == "cold" { c = $2 } $1 == "restore" { r = $2 }
	END { if (c && r) printf "bench   three at once, PSS: restored/cold %.2f\n", r / c }' /tmp/snapbench.mem
