# -n mode=user: virtio-net through passt, sourced by the modes that run it.
# passt lives off $PATH (/opt/passt) until a check puts it there. The
# emulated host has no network of its own (QEMU runs it with -nic none):
# first passt is tried so, then a dummy interface gives it the address and
# default route it hands the guest.

PASST_PATH=$PATH:/opt/passt

# passt_count: passt processes that are alive (not zombies).
passt_count() {
	n=0
	for stat in /proc/[0-9]*/stat; do
		read -r pid comm state rest 2>/dev/null < "$stat" || continue
		[ "$comm" = "(passt)" ] && [ "$state" != Z ] && n=$((n + 1))
	done
	echo $n
}

# Without a route, passt cannot start: a user NIC asked for is refused in
# one line, the default one is left out with a warning.
netuser_refusals() {
	one_line_error "mode=user without passt installed: one line, exit 1" \
		"^lkvm: --network mode=user: passt is not installed \(Debian: apt install passt\); or use mode=tap or mode=none$" \
		timeout 600 lkvm run -k $P/hello.flat -n mode=user
	lkvm_run nopasst -k $P/hello.flat
	expect "no -n and no passt: no NIC, and not a word about it" \
		eval '[ "$status" = 0 ] && ! grep -q network /tmp/nopasst.err'
	plain_path=$PATH
	PATH=$PASST_PATH
	one_line_error "mode=user on a host without a default route: passt's reason in one line" \
		"^lkvm: --network mode=user: External interface not usable$" \
		timeout 600 lkvm run -k $P/hello.flat -n mode=user
	lkvm_run nodefault -k $P/hello.flat
	PATH=$plain_path
	expect "the default NIC where passt cannot start: a warning, and the VM runs without it" \
		eval '[ "$status" = 0 ] && grep -q "^lkvm: warning: network: no user-mode network: .*; -n mode=none goes without one quietly$" /tmp/nodefault.err &&
		      ! grep -q "through passt" /tmp/nodefault.err'
}

# The emulated host's side: an address and a route on a dummy interface,
# its resolver a stub on 127.0.0.1 that knows lkvm-test.example.
netuser_host_setup() {
	insmod $ROOT/lib/dummy.ko 2>/dev/null
	ip link set lo up
	ip link add lkvmdummy0 type dummy &&
		ip addr add 10.0.2.15/24 dev lkvmdummy0 &&
		ip link set lkvmdummy0 up &&
		ip route add default via 10.0.2.2
	mkdir -p /etc
	echo "nameserver 127.0.0.1" > /etc/resolv.conf
	dnsstub 127.0.0.1 lkvm-test.example 10.0.2.99 > /tmp/dnsstub.log 2>&1 &
	dns_pid=$!
}

# The users passt and the unprivileged run need: passt started as root
# turns itself into nobody.
netuser_users() {
	mkdir -p /etc /tmp/uhome
	[ -e /etc/passwd ] || printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' \
		'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' \
		'lkvm:x:1000:1000:lkvm:/tmp/uhome:/bin/sh' > /etc/passwd
	[ -e /etc/group ] || printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' 'lkvm:x:1000:' > /etc/group
	chown 1000:1000 /tmp/uhome
}

netuser_checks() {
	netuser_users
	netuser_refusals
	netuser_host_setup
	# The guest's side goes to the host's loopback through the gateway.
	printf '#!/bin/sh\nexec cat > /tmp/usernet-tcp\n' > /tmp/recv-tcp
	chmod 755 /tmp/recv-tcp
	: > /tmp/usernet-tcp
	nc -l -p 5001 -e /tmp/recv-tcp &
	tcp_pid=$!
	udpmsg recv 5002 600 > /tmp/usernet-udp &
	udp_pid=$!
	# As a user without privileges, as a developer runs it.
	chmod 666 /dev/kvm
	su -s /bin/sh -c "HOME=/tmp/uhome PATH=$PASST_PATH exec timeout 600 lkvm run -k $K -i $I \
		-c 1 -m 256 -n mode=user,hostfwd=tcp::2222-:22,hostfwd=udp::5555-:5555 \
		-p 'quiet lkvmtest.action=usernet lkvmtest.usernet=full'" lkvm \
		</dev/null >/tmp/usernet.out 2>/tmp/usernet.err &
	vm_pid=$!
	sent=
	if wait_line /tmp/usernet.out L2-LISTENING; then
		passts_running=$(passt_count)
		udpmsg send 127.0.0.1 5555 "udp from the host"
		seq 1 30000 | nc -w 5 127.0.0.1 2222 && sent=ok
	fi
	wait $vm_pid
	status=$?
	kill $tcp_pid $udp_pid 2>/dev/null
	run=usernet
	echo "#   $(grep -h 'L2-DHCP' /tmp/usernet.out | tr -d '\r')"
	expect "mode=user: lkvm, unprivileged, exits 0 and names passt and the forward" \
		eval '[ "$status" = 0 ] && grep -q "^lkvm: network: virtio-net0 through passt (user mode), guest MAC 02:15:15:15:15:15, tcp 127.0.0.1:2222 to 22, udp 127.0.0.1:5555 to 5555$" /tmp/usernet.err'
	expect "mode=user: the guest takes 10.0.2.15, router and DNS 10.0.2.2, MTU 65520 by DHCP" \
		eval 'has usernet "^L2-DHCP ip=10.0.2.15 router=10.0.2.2 dns=10.0.2.2 mtu=65520\$" &&
		      [ "$(value usernet L2-MTU)" = 65520 ]'
	expect "mode=user: the guest resolves a name through passt's DNS forwarding to the host's resolver" \
		eval '[ "$(value usernet L2-DNS-ANSWER)" = 10.0.2.99 ] && grep -q "^dnsstub: lkvm-test.example type 1 from 127.0.0.1: 10.0.2.99$" /tmp/dnsstub.log'
	expect "mode=user: a file the guest sends over TCP to the gateway reaches the host's loopback intact" \
		[ "$(md5sum < /tmp/usernet-tcp)" = "$(seq 1 40000 | md5sum)" ]
	expect "mode=user: a UDP datagram the guest sends to the gateway reaches the host" \
		grep -qx "udp from the guest" /tmp/usernet-udp
	expect "mode=user: a UDP datagram the host sends to the forwarded port 127.0.0.1:5555 reaches the guest" \
		[ "$(value usernet L2-UDP-FROM-HOST)" = "udp from the host" ]
	expect "mode=user: a file the host sends to the forwarded port 127.0.0.1:2222 reaches the guest's port 22 intact" \
		[ "$sent" = ok -a "$(value usernet L2-FROM-HOST)" = "$(seq 1 30000 | md5sum | cut -d' ' -f1)" ]
	expect "mode=user: one passt ran beside the VM, and none is left once lkvm exited" \
		[ "${passts_running:-0}" = 1 -a "$(passt_count)" = 0 ]

	# Two VMs at once, each with its passt and its forwarded port; the
	# second is the default NIC, there as passt is installed.
	PATH=$PASST_PATH timeout 600 lkvm run -k $K -i $I -c 1 -m 256 --name usera \
		-n mode=user,hostfwd=tcp::2201-:22,guest_mac=02:00:00:00:00:0a \
		-p "quiet lkvmtest.action=usernet" </dev/null >/tmp/usera.out 2>/tmp/usera.err &
	a_pid=$!
	PATH=$PASST_PATH timeout 600 lkvm run -k $K -i $I -c 1 -m 256 --name userb \
		-p "quiet lkvmtest.action=usernet" </dev/null >/tmp/userb.out 2>/tmp/userb.err &
	b_pid=$!
	answer_a= both=
	vm_pid=$a_pid
	if wait_line /tmp/usera.out L2-LISTENING; then
		vm_pid=$b_pid
		wait_line /tmp/userb.out L2-LISTENING && both=$(passt_count)
		answer_a=$(nc -w 5 127.0.0.1 2201 </dev/null)
	fi
	lkvm stop --name usera >/dev/null 2>&1
	lkvm stop --name userb >/dev/null 2>&1
	wait $a_pid
	status_a=$?
	wait $b_pid
	status_b=$?
	expect "mode=user: two VMs at once, each with a passt of its own" [ "${both:-0}" = 2 ]
	expect "mode=user: the first VM's forwarded port reaches that VM" \
		[ "$answer_a" = "hello from 02:00:00:00:00:0a" ]
	expect -f /tmp/userb.err "no -n with passt installed: the default user-mode NIC" \
		eval 'grep -q "^lkvm: network: virtio-net0 through passt (user mode), guest MAC 02:15:15:15:15:15$" /tmp/userb.err &&
		      has userb "^L2-DHCP ip=10.0.2.15 "'
	expect "mode=user: lkvm stop ends both VMs and leaves no passt behind" \
		[ "$status_a" = 0 -a "$status_b" = 0 -a "$(passt_count)" = 0 ]
	netuser_snapshot_checks
	kill $dns_pid 2>/dev/null
}

# A snapshot of a user-mode VM, restored: the recorded NIC gets
# a passt of its own, and the guest's port answers through it again.
netuser_snapshot_checks() {
	PATH=$PASST_PATH timeout 600 lkvm run -k $K -i $I -c 1 -m 256 --name usnap \
		-n mode=user,hostfwd=tcp::2230-:22 -p "quiet lkvmtest.action=usernet" \
		</dev/null >/tmp/usnap.out 2>/tmp/usnap.err &
	vm_pid=$!
	before= after=
	if wait_line /tmp/usnap.out L2-LISTENING; then
		before=$(nc -w 5 127.0.0.1 2230 </dev/null)
		rm -rf /tmp/usnap.snap
		lkvm snapshot --name usnap /tmp/usnap.snap --stop > /tmp/usnap.cmds 2>&1
	fi
	wait $vm_pid
	PATH=$PASST_PATH timeout 600 lkvm run --restore /tmp/usnap.snap --name usnap2 \
		</dev/null >/tmp/usnap2.out 2>/tmp/usnap2.err &
	vm_pid=$!
	if wait_socket usnap2; then
		n=0
		until [ -n "$after" ] || [ $n -ge 10 ]; do
			after=$(nc -w 5 127.0.0.1 2230 </dev/null)
			n=$((n + 1))
		done
		lkvm stop --name usnap2 >> /tmp/usnap.cmds 2>&1
	fi
	wait $vm_pid
	status=$?
	expect -f /tmp/usnap.cmds -f /tmp/usnap2.err \
		"mode=user, restored: the forwarded port answers through a new passt; none is left after" \
		eval '[ "$before" = "hello from 02:15:15:15:15:15" ] && [ "$after" = "$before" ] &&
		      [ "$status" = 0 ] && [ "$(passt_count)" = 0 ] &&
		      grep -q "through passt" /tmp/usnap2.err'
}
