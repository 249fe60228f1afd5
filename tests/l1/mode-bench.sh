# make bench: lkvm's start-up, measured inside the emulated host.
. "$ROOT/lib.sh"
echo "bench: host $(uname -r), $(nproc) CPUs; THP $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)"
echo "bench: [1] Debian 6.12 guest, 1 vCPU, 256 MiB, busybox initramfs, 'quiet': lkvm start to the guest's init"
startup-bench 5 L2-INIT-REACHED "$ROOT/bin/lkvm" -k $ROOT/guest/Image -i $ROOT/guest/initrd.cpio.gz \
	-c 1 -m 256 -p "quiet lkvmtest.action=poweroff"
echo "bench: [2] the same kernel gzip-compressed"
startup-bench 3 L2-INIT-REACHED "$ROOT/bin/lkvm" -k $ROOT/guest/Image.gz -i $ROOT/guest/initrd.cpio.gz \
	-c 1 -m 256 -p "quiet lkvmtest.action=poweroff"
echo "bench: [3] bare-metal payload (prints, powers off): the VMM's own cost"
startup-bench 5 "hello from" "$ROOT/bin/lkvm" -k $ROOT/payloads/hello.flat -c 1 -m 64
echo "bench: [4] SDEI in lkvm against KVM's own hypercall and an MMIO exit (1 vCPU)"
"$ROOT/bin/lkvm" run -k $ROOT/payloads/sdei_bench.flat -c 1 -m 64 --sdei --loglevel debug </dev/null 2>/tmp/sdeibench.err
# The payload makes 3 set-up calls, then 1000 SDEI_VERSION (one register
# write each) and 1000 round trips (SIGNAL + COMPLETE).
sed -n 's/^lkvm: debug: sdei: \([0-9]*\) calls, \([0-9]*\) vCPU register ioctls$/\1 \2/p' /tmp/sdeibench.err |
while read -r calls ioctls; do
	echo "bench   $calls SDEI calls cost $ioctls register ioctls: $(( (ioctls - 1000 - 3) / 1000 )) per event round trip"
done
. "$ROOT/ras.sh"
. "$ROOT/bench-ras.sh"
. "$ROOT/bench-virtio.sh"
. "$ROOT/bench-firmware.sh"
. "$ROOT/bench-snapshot.sh"
