# --fs: host folders through virtio-fs, served by lkvm's FUSE server,
# sourced by the modes that run it. A Linux guest of an unprivileged user
# mounts a folder and a read-only one, reads, writes, renames, deletes and
# links; tries each way out of the folder; sees a change the host makes.
# kvmtool's -d DIR boots Linux from a folder. And refused in one line: a missing folder, a file, a tag twice, --9p,
# a snapshot.

# The host's side: a folder the guest shares, and a secret beside it.
fs_host_setup() {
	rm -rf /tmp/fsbase
	mkdir -p /tmp/fsbase/share/sub /tmp/fsbase/share/many /tmp/fsbase/share/empty-dir \
		/tmp/fsbase/secret /tmp/fsbase/ro
	echo "host secret" > /tmp/fsbase/secret/outside.txt
	echo "hello from the host" > /tmp/fsbase/share/hello.txt
	echo "read-only hello" > /tmp/fsbase/ro/hello.txt
	: > /tmp/fsbase/share/to-delete
	dd if=/dev/urandom of=/tmp/fsbase/share/big bs=65536 count=128 2>/dev/null
	i=0
	while [ $i -lt 500 ]; do
		: > /tmp/fsbase/share/many/file-$i
		i=$((i + 1))
	done
	ln -s /tmp/fsbase/secret/outside.txt /tmp/fsbase/share/abs-link
	ln -s ../secret/outside.txt /tmp/fsbase/share/rel-link
	ln -s .. /tmp/fsbase/share/up-link
	ln -s /tmp/fsbase/secret/outside.txt /tmp/fsbase/ro/abs-link
	chown -R 1000:1000 /tmp/fsbase/share /tmp/fsbase/ro
}

fs_refusals() {
	one_line_error "--fs with a folder that does not exist: one line, exit 1" \
		"^lkvm: --fs /tmp/no-such-folder: No such file or directory$" \
		lkvm run -k $P/hello.flat --fs /tmp/no-such-folder
	one_line_error "--fs with a file: one line, exit 1" \
		"^lkvm: --fs /tmp/fsbase/share/hello.txt: not a directory$" \
		lkvm run -k $P/hello.flat --fs /tmp/fsbase/share/hello.txt
	one_line_error "--fs with a tag another folder has: one line, exit 1" \
		"^lkvm: --fs /tmp,tag=hostfs: the tag 'hostfs' is another folder's$" \
		lkvm run -k $P/hello.flat --fs /tmp/fsbase/share --fs /tmp,tag=hostfs
	one_line_error "kvmtool's --9p: one line pointing to --fs" \
		"^lkvm: --9p: kvmtool's option, not lkvm's: lkvm shares folders through virtio-fs, which the guests' kernels have: --fs DIR\[,tag=TAG\]$" \
		lkvm run -k $P/hello.flat --9p /tmp
}

fs_checks() {
	netuser_users
	fs_host_setup
	fs_refusals
	chmod 666 /dev/kvm
	su -s /bin/sh -c "HOME=/tmp/uhome exec timeout 600 lkvm run -k $K -i $I -c 1 -m 256 \
		--name fsvm --fs /tmp/fsbase/share --fs /tmp/fsbase/ro,tag=ro,ro \
		-p 'quiet lkvmtest.action=fs'" lkvm </dev/null >/tmp/fs.out 2>/tmp/fs.err &
	vm_pid=$!
	if wait_line /tmp/fs.out L2-FS-WAITING; then
		fs_from_guest=$(md5sum < /tmp/fsbase/share/guest-big | cut -d' ' -f1)
		rm -rf /tmp/fs.snap
		su -s /bin/sh -c "HOME=/tmp/uhome exec lkvm snapshot --name fsvm /tmp/fs.snap" lkvm \
			> /tmp/fs.snapout 2>&1
		echo "rc=$?" >> /tmp/fs.snapout
		echo "changed on the host" > /tmp/fsbase/share/hello.txt.new
		mv /tmp/fsbase/share/hello.txt.new /tmp/fsbase/share/hello.txt
	fi
	wait $vm_pid
	status=$?
	run=fs
	chmod 660 /dev/kvm
	expect "--fs: lkvm, unprivileged, exits 0 and names each folder's tag; the guest mounts the tag and reads a host file" \
		eval '[ "$status" = 0 ] && has fs "^L2-FS-MOUNTED" &&
		      grep -qx "lkvm: folder: /tmp/fsbase/share as virtio-fs0, tag hostfs (in the guest: mount -t virtiofs hostfs DIR)" /tmp/fs.err &&
		      grep -qx "lkvm: folder: /tmp/fsbase/ro, read-only, as virtio-fs1, tag ro (in the guest: mount -t virtiofs ro DIR)" /tmp/fs.err &&
		      [ "$(value fs L2-FS-READ)" = "hello from the host" ]'
	expect "--fs: an 8 MiB host file reads back byte for byte; a directory of 500 lists whole" \
		eval '[ "$(value fs L2-FS-BIG-MD5)" = "$(md5sum < /tmp/fsbase/share/big | cut -d" " -f1)" ] &&
		      [ "$(value fs L2-FS-MANY)" = 500 ]'
	expect "--fs: files the guest writes are on the host byte for byte, with the guest's user's owner" \
		eval '[ "$(value fs L2-FS-GUEST-BIG-MD5)" = "$fs_from_guest" ] &&
		      [ "$(stat -c %u /tmp/fsbase/share/guest-big)" = 1000 ]'
	expect "--fs: the guest's mkdir, rename and deletes are the host's" \
		eval '[ "$(value fs L2-FS-RENAME-DELETE)" = ok ] && [ "$(cat /tmp/fsbase/share/newdir/g)" = moved ] &&
		      [ ! -e /tmp/fsbase/share/newdir/f ] && [ ! -e /tmp/fsbase/share/to-delete ] &&
		      [ ! -e /tmp/fsbase/share/empty-dir ]'
	expect "--fs: a symlink and a hard link the guest makes are the host's" \
		eval '[ "$(value fs L2-FS-LINKS)" = "hello.txt 2" ] &&
		      [ "$(readlink /tmp/fsbase/share/guest-link)" = hello.txt ] &&
		      [ ! -L /tmp/fsbase/share/guest-hard ] &&
		      [ "$(cat /tmp/fsbase/share/guest-hard)" = "hello from the host" ]'
	expect "--fs: chmod, truncate and touch in the guest change the host's file" \
		eval '[ "$(value fs L2-FS-SETATTR)" = ok ] && [ "$(stat -c %a /tmp/fsbase/share/from-guest.txt)" = 600 ] &&
		      [ "$(cat /tmp/fsbase/share/from-guest.txt)" = "$(seq 1 20000 | head -c 5)" ] &&
		      [ "$(stat -c %Y /tmp/fsbase/share/guest-big)" = 1000000000 ] &&
		      [ "$(value fs L2-FS-DF)" = 1 ]'
	expect "--fs ro: the guest reads, and its writes and deletes get EROFS; the host's files are as they were" \
		eval '[ "$(value fs L2-FS-RO-READ)" = "read-only hello" ] &&
		      [ "$(value fs L2-FS-RO-WRITE)" = "Read-only file system" ] &&
		      [ "$(value fs L2-FS-RO-RM)" = "Read-only file system" ] &&
		      [ ! -e /tmp/fsbase/ro/new ] && [ "$(cat /tmp/fsbase/ro/hello.txt)" = "read-only hello" ]'
	expect "--fs: an absolute symlink, a relative one through .., a symlink to .. and .. itself never reach the host's secret" \
		eval '[ "$(grep -c "^L2-FS-ESCAPE " /tmp/fs.out)" = 5 ] && ! grep -q "host secret" /tmp/fs.out &&
		      ! value fs L2-FS-UP-LINK | grep -q share'
	expect "--fs: a file the host changes is seen by the guest" \
		eval 'value fs L2-FS-HOST-CHANGE | grep -q "^changed on the host after [0-9]*$" &&
		      [ "$(value fs L2-FS-UMOUNT)" = ok ]'
	expect -f /tmp/fs.snapout "lkvm snapshot of an --fs VM: refused in one line; the VM runs on" \
		eval '[ "$(cat /tmp/fs.snapout)" = "lkvm: VM '\''fsvm'\'': a VM with --fs cannot be snapshotted yet
rc=1" ] && [ ! -e /tmp/fs.snap/manifest ]'
}

# kvmtool's -d DIR: the guest's own initramfs, unpacked into a folder, is
# its root over virtio-fs (no -i).
fs_root_checks() {
	rm -rf /tmp/fsroot
	mkdir -p /tmp/fsroot/dev
	(cd /tmp/fsroot && zcat $I | cpio -id 2>/dev/null)
	lkvm_run fsroot -k $K -c 1 -m 256 -d /tmp/fsroot -p "init=/init quiet lkvmtest.action=fsroot"
	expect "kvmtool's -d DIR: Linux boots from the folder as its root over virtio-fs and writes into it" \
		eval '[ "$status" = 0 ] && [ "$(value fsroot L2-FSROOT)" = "root / virtiofs" ] &&
		      value fsroot L2-CMDLINE | grep -q " rootfstype=virtiofs root=root rw " &&
		      [ "$(cat /tmp/fsroot/from-guest)" = "written by the guest into its root" ]'
}
