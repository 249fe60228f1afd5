# make bench, scenario [8]: booting through Debian's UEFI firmware against
# booting the kernel directly, same kernel, initrd and guest, in the same
# emulated-host run: time from exec to the guest's init and lkvm's peak RSS,
# each as a ratio. Three runs each, alternating; medians.
echo "bench: [8] --firmware QEMU_EFI.fd against direct kernel boot (1 vCPU, 256 MiB, 'quiet'): to init, peak RSS"
: > /tmp/fwbench
for round in 1 2 3; do
	for mode in direct firmware; do
		fw=
		[ $mode = firmware ] && fw="--firmware $ROOT/guest/QEMU_EFI.fd"
		startup-bench 1 L2-INIT-REACHED "$ROOT/bin/lkvm" $fw -k $ROOT/guest/Image \
			-i $ROOT/guest/initrd.cpio.gz -c 1 -m 256 -p "quiet lkvmtest.action=poweroff" \
			> /tmp/fwbench.run
		sed -n "s/^bench run 1: to /bench   $mode, round $round: to /p" /tmp/fwbench.run
		sed -n "s/^bench run 1: to 'L2-INIT-REACHED' \([0-9.]*\) s, whole run [0-9.]* s, peak RSS \([0-9]*\) kB.*/$mode \1 \2/p" \
			/tmp/fwbench.run >> /tmp/fwbench
	done
done
awk "$AWK_MEDIAN"'
	$1 == "direct" { dt[++nd] = $2; dr[nd] = $3 }
	$1 == "firmware" { ft[++nf] = $2; fr[nf] = $3 }
	END {
		if (nd < 3 || nf < 3) { print "bench   [8] incomplete: " nd " direct and " nf " firmware runs reached init"; exit }
		t1 = median(dt, nd); t2 = median(ft, nf); r1 = median(dr, nd); r2 = median(fr, nf)
		printf "bench   to init: direct %.2f s, firmware %.2f s: firmware/direct %.2f\n", t1, t2, t2 / t1
		printf "bench   peak RSS: direct %d kB, firmware %d kB: firmware/direct %.2f\n", r1, r2, r2 / r1
	}' /tmp/fwbench
