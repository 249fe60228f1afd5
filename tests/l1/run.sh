#!/usr/bin/env bash
# Boot the emulated arm64 KVM host (L1) once and run one mode in it:
#   check   the integration suite; prints its TAP and "l1: N passed, N failed"
#   oldhost a few checks on an older host kernel (L1_KERNEL=.../Image-6.1)
#   newhost the RAS scenarios on a newer host kernel (L1_KERNEL=.../Image-new)
#   demo    boot a Debian guest under lkvm and show it running
#   bench   the start-up benchmark
#   asan    the check suite with LKVM_BIN=lkvm-asan (make check-asan)
# On an arm64 host with /dev/kvm the same scripts run natively instead
# (LKVM_EMULATE=1 forces the emulated host).
set -euo pipefail

mode=${1:?usage: run.sh check|oldhost|newhost|demo|bench|asan}
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${LKVM_CACHE:-$HOME/.cache/lkvm}
out=$top/build/l1
log=$out/console-$mode.log
# The suite takes 17 to 30 minutes on a 2-core machine, whose speed varies
# that much from run to run; the limit only catches a hung run.
timeout_s=${L1_TIMEOUT:-2700}

image=$cache/guest/Image
l1_kernel=${L1_KERNEL:-$image}
busybox=$cache/guest/busybox
lkvm_bin=${LKVM_BIN:-$top/lkvm}
uefi=/usr/share/qemu-efi-aarch64/QEMU_EFI.fd	# Debian's qemu-efi-aarch64
for f in "$image" "$l1_kernel" "$busybox" "$uefi" "$top/lkvm" "$lkvm_bin"; do
	[ -e "$f" ] || { echo "l1: missing $f (run make deps and make)" >&2; exit 1; }
done

# The gzip-compressed Image for the gzip boot test, made once per kernel.
if [ ! -e "$cache/guest/Image.gz" ] || [ "$image" -nt "$cache/guest/Image.gz" ]; then
	gzip -6 -c "$image" > "$cache/guest/Image.gz.tmp"
	mv "$cache/guest/Image.gz.tmp" "$cache/guest/Image.gz"
fi

# make_cpio DIR: a newc archive of DIR on stdout, owned by root.
make_cpio() { (cd "$1" && find . -mindepth 1 | sort | cpio -o -H newc -R 0:0 --quiet); }

rm -rf "$out/guest-root" "$out/l1-root" "$out/result-$mode"
mkdir -p "$out/guest-root/bin" "$out/l1-root/bin" "$out/l1-root/guest" "$out/l1-root/payloads"

# module NAME: the guest kernel's module NAME, decompressed, on stdout.
module() { xz -dc "$(find -L "$cache/guest/modules/" -name "$1.ko*" | head -n1)"; }

# L2: the guest's initramfs: busybox, iobench (make bench), udpmsg and
# vsockmsg, an init that reports and acts, and the virtio and vsock
# drivers Debian builds as modules (guest-init loads them).
cp "$busybox" "$out/guest-root/bin/busybox"
cp "$top/build/l1/iobench" "$top/build/l1/touchpage" "$top/build/l1/udpmsg" \
	"$top/build/l1/vsockmsg" "$out/guest-root/bin/"
mkdir -p "$out/guest-root/lib/modules"
for m in virtio_mmio virtio_blk virtio-rng failover net_failover virtio_net efivarfs \
	 vsock vmw_vsock_virtio_transport_common vmw_vsock_virtio_transport virtio_balloon; do
	module $m > "$out/guest-root/lib/modules/$m.ko"
done
cp "$top/tests/l1/guest-init" "$out/guest-root/init"
chmod 755 "$out/guest-root/init"
make_cpio "$out/guest-root" | gzip -1 > "$out/guest-initrd.cpio.gz"

# L1: the emulated host's initramfs, uncompressed so the emulated kernel
# does not spend seconds inflating it.
l1=$out/l1-root
cp "$busybox" "$l1/bin/busybox"
cp "$top/tests/l1/l1-init" "$l1/init"
if [ "$mode" = asan ]; then
	# The VMM under the sanitizers; the short-lived commands that talk to
	# it (lkvm ras, sdei, list...) plain, as the suite's timing expects.
	cp "$lkvm_bin" "$l1/bin/lkvm-asan"
	cp "$top/lkvm" "$l1/bin/lkvm-plain"
	printf '#!/bin/sh\ncase "$1" in run) exec lkvm-asan "$@";; *) exec lkvm-plain "$@";; esac\n' \
		> "$l1/bin/lkvm"
	chmod 755 "$l1/bin/lkvm"
else
	cp "$lkvm_bin" "$l1/bin/lkvm"
fi
cp "$top"/tests/l1/*.sh "$l1/"
# hwpoison-inject, for the RAS scenario's background poison, tun for
# virtio-net's tap, dummy for passt's route and vhost-vsock with what it
# needs (6.12 host only: the modules are that kernel's).
mkdir -p "$l1/lib" "$l1/sbin"
if [ "$l1_kernel" = "$image" ]; then
	module hwpoison-inject > "$l1/lib/hwpoison-inject.ko"
	module tun > "$l1/lib/tun.ko"
	module dummy > "$l1/lib/dummy.ko"
	for m in vsock vmw_vsock_virtio_transport_common vhost_iotlb vhost vhost_vsock; do
		module $m > "$l1/lib/$m.ko"
	done
fi
# passt, off $PATH: the tests that want -n mode=user's default add it.
mkdir -p "$l1/opt/passt"
cp "$cache/l1tools/usr/bin/passt" "$l1/opt/passt/"
# e2fsprogs (dynamically linked, so with its loader and libraries) to make
# and read back the guests' ext4 images.
cp -a "$cache/l1tools/lib/aarch64-linux-gnu" "$l1/lib/"
cp -a "$cache"/l1tools/usr/lib/aarch64-linux-gnu/lib{blkid,uuid}.so.1* "$l1/lib/aarch64-linux-gnu/"
ln -s aarch64-linux-gnu/ld-linux-aarch64.so.1 "$l1/lib/ld-linux-aarch64.so.1"
# A sanitizer build of lkvm takes its runtimes along (glibc is there already).
if [ "$mode" = asan ]; then
	cc=aarch64-linux-gnu-gcc
	[ "$(uname -m)" = aarch64 ] && cc=gcc
	for lib in libasan.so.8 libubsan.so.1 libstdc++.so.6 libgcc_s.so.1; do
		cp -L "$($cc -print-file-name=$lib)" "$l1/lib/aarch64-linux-gnu/"
	done
fi
cp "$cache/l1tools/sbin/mke2fs" "$cache/l1tools/sbin/debugfs" "$l1/sbin/"
cp "$image" "$l1/guest/Image"
cp "$uefi" "$l1/guest/QEMU_EFI.fd"
cp "$cache/guest/Image.gz" "$l1/guest/Image.gz"
cp "$out/guest-initrd.cpio.gz" "$l1/guest/initrd.cpio.gz"
cp "$top"/build/guest/*.flat "$l1/payloads/"
cp "$top/build/l1/ptytest" "$top/build/l1/ctlpoke" "$top/build/l1/startup-bench" \
	"$top/build/l1/iobench" "$top/build/l1/dnsstub" "$top/build/l1/udpmsg" \
	"$top/build/l1/vsockmsg" "$l1/bin/"
chmod 755 "$l1/init"
make_cpio "$l1" > "$out/l1.cpio"

# The suite's host has MTE, which lkvm gives guests by default. The older
# host is a smaller machine: without a PMU or SVE, so that the probes for
# --pmu and --sve-max-vl can be refused.
machine=virt,virtualization=on,gic-version=3
cpu=max
case $mode in
check|asan) machine=$machine,mte=on ;;
oldhost) cpu=max,pmu=off,sve=off ;;
esac
qemu=(qemu-system-aarch64 -M $machine -cpu $cpu
      -smp 2 -m 2048 -nographic -no-reboot -nic none
      -kernel "$l1_kernel" -initrd "$out/l1.cpio"
      -append "console=ttyAMA0 quiet panic=-1 lkvm.mode=$mode")

native=0
if [ "$(uname -m)" = aarch64 ] && [ -c /dev/kvm ] && [ -z "${LKVM_EMULATE:-}" ]; then
	native=1
fi
shown='^(ok |not ok |#|1\.\.|bench|Kernel panic)'

set +e
if [ $native = 1 ]; then
	echo "l1: arm64 KVM host: running '$mode' natively (log: $log)"
	(cd "$l1" && ROOT=$l1 PATH="$l1/bin:$PATH" timeout "$timeout_s" sh "./mode-$mode.sh" </dev/null
	 echo L1-DONE) 2>&1 | tee "$log" |
		if [ "$mode" = demo ]; then cat; else grep --line-buffered -E "$shown"; fi
elif [ "$mode" = demo ]; then
	echo "l1: booting the emulated arm64 host for '$mode' (console log: $log)"
	timeout "$timeout_s" "${qemu[@]}" </dev/null | tee "$log"
else
	echo "l1: booting the emulated arm64 host for '$mode' (console log: $log)"
	# Show the TAP and the benchmark table as they come; keep everything.
	timeout "$timeout_s" "${qemu[@]}" </dev/null | tee "$log" |
		sed -u 's/\r$//' | grep --line-buffered -E "$shown"
fi
qemu_status=${PIPESTATUS[0]}
set -e
tr -d '\r' < "$log" > "$log.txt"

if [ "$qemu_status" = 124 ]; then
	echo "l1: '$mode' did not finish within ${timeout_s}s" >&2
fi

if [ "$mode" = demo ] || [ "$mode" = bench ]; then
	grep -q '^L1-DONE' "$log.txt" || { echo "l1: $mode did not complete" >&2; exit 1; }
	exit 0
fi

passed=$(grep -c '^ok ' "$log.txt" || true)
failed=$(grep -c '^not ok ' "$log.txt" || true)
planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$log.txt" | tail -n1)
if [ -z "$planned" ]; then
	echo "l1: the suite did not finish (no TAP plan line); see $log" >&2
	failed=$((failed + 1))
elif [ $((passed + failed)) -ne "$planned" ]; then
	echo "l1: planned $planned tests but saw $((passed + failed)); see $log" >&2
	failed=$((failed + planned - passed - failed))
fi
echo "l1 $mode: $passed passed, $failed failed"
echo "$passed $failed" > "$out/result-$mode"
[ "$failed" = 0 ]
