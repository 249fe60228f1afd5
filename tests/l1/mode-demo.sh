# make demo: boot Debian's arm64 kernel under lkvm and show the guest.
echo "host: $(uname -sr) with /dev/kvm; starting: lkvm run -k Image -i initrd -c 2 -m 512"
lkvm run -k "$ROOT/guest/Image" -i "$ROOT/guest/initrd.cpio.gz" -c 2 -m 512 \
	-p "quiet lkvmtest.action=demo" </dev/null
echo "host: lkvm exited with status $?"
