# --vsock: virtio-vsock through vhost-vsock, sourced by the modes that run
# it. Two Linux guests at once, one on virtio-mmio (lkvm relays vhost's
# interrupt to the line) and one on virtio-pci with MSI-X, each talking
# both ways with a host program over AF_VSOCK (vsockmsg.c on both sides),
# and refused: CID 2, a CID in use, a snapshot.

vsock_checks() {
	for m in vsock vmw_vsock_virtio_transport_common vhost_iotlb vhost vhost_vsock; do
		insmod $ROOT/lib/$m.ko 2>/dev/null
	done
	one_line_error "bad input: --vsock 2, the host's own context ID" \
		'^lkvm: --vsock 2: a guest.s context ID is 3 to 4294967294 \(0 to 2 are the hypervisor.s, local and the host.s\)$' \
		lkvm run -k $P/hello.flat --vsock 2
	vsockmsg listen 5005 300 > /tmp/vsock-host5.out &
	l5=$!
	vsockmsg listen 5006 300 > /tmp/vsock-host6.out &
	l6=$!
	timeout 600 lkvm run -k $K -i $I -c 1 -m 256 --vsock 5 --virtio-transport mmio \
		-p "quiet lkvmtest.action=vsock lkvmtest.vport=5005" </dev/null >/tmp/vsock5.out 2>/tmp/vsock5.err &
	p5=$!
	timeout 600 lkvm run -k $K -i $I -c 1 -m 256 --vsock 6 --name vsock6 \
		-p "quiet lkvmtest.action=vsock lkvmtest.vport=5006" </dev/null >/tmp/vsock6.out 2>/tmp/vsock6.err &
	p6=$!
	reply5= reply6=
	vm_pid=$p5
	if wait_line /tmp/vsock5.out L2-VSOCK-LISTENING; then
		reply5=$(vsockmsg send 5 1234 "host to guest 5")
		one_line_error "a second VM with a context ID in use: one line, exit 1" \
			"^lkvm: --vsock 5: CID 5 is another VM's$" \
			timeout 600 lkvm run -k $P/hello.flat --vsock 5
	fi
	vm_pid=$p6
	if wait_line /tmp/vsock6.out L2-VSOCK-LISTENING; then
		rm -rf /tmp/vsock.snap
		lkvm snapshot --name vsock6 /tmp/vsock.snap > /tmp/vsock.snapout 2>&1
		echo "rc=$?" >> /tmp/vsock.snapout
		reply6=$(vsockmsg send 6 1234 "host to guest 6")
	fi
	wait $p5
	s5=$?
	wait $p6
	s6=$?
	kill $l5 $l6 2>/dev/null
	expect -f /tmp/vsock.snapout "lkvm snapshot of a --vsock VM: refused in one line; the VM runs on" \
		eval '[ "$(cat /tmp/vsock.snapout)" = "lkvm: VM '\''vsock6'\'': a VM with --vsock cannot be snapshotted yet
rc=1" ] && [ ! -e /tmp/vsock.snap/manifest ]'
	for cid in 5 6; do
		run=vsock$cid
		eval "st=\$s$cid reply=\$reply$cid"
		expect "vsock, CID $cid: the guest's message reaches a host listener and its echo comes back" \
			eval 'grep -qx "guest to host port 500$cid" /tmp/vsock-host$cid.out &&
			      [ "$(value vsock$cid L2-VSOCK-REPLY)" = "echo: guest to host port 500$cid" ]'
		expect "vsock, CID $cid: the host's message reaches the guest's listener and its echo comes back" \
			eval '[ "$(value vsock$cid L2-VSOCK-FROM-HOST)" = "host to guest $cid" ] &&
			      [ "$reply" = "echo: host to guest $cid" ] && [ "$st" = 0 ]'
	done
}
