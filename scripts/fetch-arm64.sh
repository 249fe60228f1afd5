#!/usr/bin/env bash
# Fetch the arm64 pieces that are unpacked, not installed: the libfdt,
# zlib and libseccomp static libraries for the cross build, Debian's 6.12
# cloud kernel (the emulated host and the guest) and a static busybox.
# Everything lands in $LKVM_CACHE (default ~/.cache/lkvm) and is reused
# when the archive still serves the same versions.
#
# Prints nothing but errors; the layout it leaves is:
#   $cache/sysroot/usr/{include,lib/aarch64-linux-gnu}
#   $cache/guest/Image      uncompressed arm64 Image (also the L1 kernel)
#   $cache/guest/modules/   that kernel's modules tree
#   $cache/guest/Image-6.1  Debian 12's own 6.1 cloud kernel: an older
#                           emulated host, whose KVM lacks the SMCCC filter
#   $cache/guest/Image-new  Debian trixie-backports' cloud kernel (7.3 when
#                           written): a newer emulated host, whose KVM has
#                           KVM_CAP_ARM_SEA_TO_USER
#   $cache/guest/busybox    static arm64 busybox
#   $cache/l1tools/         arm64 e2fsprogs (mkfs.ext4, debugfs) with the
#                           libraries and loader they need, for the host
#                           side of the virtio-blk tests, and passt
set -euo pipefail

cache=${LKVM_CACHE:-$HOME/.cache/lkvm}
debs=$cache/debs
mkdir -p "$debs" "$cache/sysroot" "$cache/guest"

# apt-get download needs arm64 in dpkg's architecture list and fresh lists.
if [ "$(dpkg --print-architecture)" != arm64 ] &&
   ! dpkg --print-foreign-architectures | grep -qx arm64; then
	dpkg --add-architecture arm64
	apt-get update -q >/dev/null
fi

candidate() { apt-cache policy "$1" | awk '/Candidate:/ { print $2 }'; }

# fetch PKG: download PKG:arm64 into $debs unless that version is there.
# Prints the .deb path.
fetch() {
	local pkg=$1 ver file
	ver=$(candidate "$pkg:arm64")
	if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
		apt-get update -q >/dev/null
		ver=$(candidate "$pkg:arm64")
	fi
	[ -n "$ver" ] && [ "$ver" != "(none)" ] ||
		{ echo "fetch-arm64: no arm64 candidate for $pkg" >&2; exit 1; }
	file=$(ls "$debs/${pkg}_${ver//:/%3a}_arm64.deb" 2>/dev/null || true)
	if [ -z "$file" ]; then
		(cd "$debs" && apt-get download -q -o APT::Sandbox::User=root "$pkg:arm64=$ver" >/dev/null)
		file=$(ls "$debs/${pkg}_${ver//:/%3a}_arm64.deb")
	fi
	echo "$file"
}

# unpack DEB DIR: extract once per .deb (stamped by its name).
unpack() {
	local stamp="$2/.$(basename "$1").unpacked"
	[ -e "$stamp" ] && return 0
	dpkg-deb -x "$1" "$2"
	touch "$stamp"
}

for p in libfdt-dev libfdt1 zlib1g-dev zlib1g libseccomp-dev libseccomp2; do
	unpack "$(fetch $p)" "$cache/sysroot"
done

# kernel META: unpack the cloud kernel META names in its Depends (the
# archive moves, so the version is never hard-coded); prints its directory.
kernel() {
	local meta image_pkg kdeb kdir

	meta=$(fetch "$1")
	image_pkg=$(dpkg-deb -f "$meta" Depends | tr ',|' '\n\n' |
		    sed -n 's/^ *\(linux-image-[0-9][^ ]*-cloud-arm64\)\b.*/\1/p' | head -n1)
	[ -n "$image_pkg" ] || { echo "fetch-arm64: cannot resolve a kernel from $meta" >&2; exit 1; }
	kdeb=$(fetch "$image_pkg")
	kdir=$cache/kernel-$(basename "$kdeb" .deb)
	if [ ! -e "$kdir/.unpacked" ]; then
		rm -rf "$kdir" && mkdir -p "$kdir"
		dpkg-deb -x "$kdeb" "$kdir"
		touch "$kdir/.unpacked"
	fi
	echo "$kdir"
}

kdir=$(kernel linux-image-6.12-cloud-arm64)
ln -sfn "$(ls "$kdir"/boot/vmlinuz-*)" "$cache/guest/Image"
ln -sfn "$(ls -d "$kdir"/lib/modules/* | head -n1)" "$cache/guest/modules"
kdir=$(kernel linux-image-cloud-arm64)
ln -sfn "$(ls "$kdir"/boot/vmlinuz-*)" "$cache/guest/Image-6.1"

# The newer host comes from trixie-backports through a private apt state,
# leaving the machine's own sources alone.
bpo=$cache/apt-bpo
mkdir -p "$bpo/lists/partial" "$bpo/archives/partial"
echo "deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie-backports main" \
	> "$bpo/sources.list"
bpo_apt=(-o Dir::Etc::SourceList="$bpo/sources.list" -o Dir::Etc::SourceParts=/dev/null
	 -o Dir::State::Lists="$bpo/lists" -o Dir::Cache::Archives="$bpo/archives"
	 -o APT::Architecture=arm64 -o APT::Architectures=arm64 -o APT::Sandbox::User=root)
apt-get "${bpo_apt[@]}" update -q >/dev/null
# depends_on PKG PATTERN: the first package PKG depends on matching PATTERN.
depends_on() {
	apt-cache "${bpo_apt[@]}" show "$1" | sed -n 's/^Depends: //p' | head -n1 |
		tr ',|' '\n\n' | sed -n "s/^ *\($2\) .*/\1/p" | head -n1
}
image_pkg=$(depends_on linux-image-cloud-arm64 'linux-image-[0-9][^ ]*-cloud-arm64')
binary_pkg=$(depends_on "$image_pkg" 'linux-binary-[0-9][^ ]*-cloud-arm64')
[ -n "$binary_pkg" ] || { echo "fetch-arm64: no kernel in trixie-backports" >&2; exit 1; }
ndir=$cache/kernel-$binary_pkg
if [ ! -e "$ndir/.unpacked" ]; then
	(cd "$bpo/archives" && rm -f ./*.deb &&
	 apt-get "${bpo_apt[@]}" download -q "$binary_pkg" >/dev/null)
	rm -rf "$ndir" && mkdir -p "$ndir"
	dpkg-deb -x "$bpo"/archives/"$binary_pkg"_*.deb "$ndir"
	rm -f "$bpo"/archives/*.deb
	touch "$ndir/.unpacked"
fi
ln -sfn "$(ls "$ndir"/usr/lib/modules/*/vmlinuz)" "$cache/guest/Image-new"

bdeb=$(fetch busybox-static)
bdir=$cache/busybox-$(basename "$bdeb" .deb)
[ -e "$bdir/.unpacked" ] || { mkdir -p "$bdir"; dpkg-deb -x "$bdeb" "$bdir"; touch "$bdir/.unpacked"; }
ln -sfn "$bdir/bin/busybox" "$cache/guest/busybox"

# e2fsprogs for the emulated host: it makes the guest's ext4 images and
# reads them back after the guest wrote to them. passt: -n mode=user.
for p in e2fsprogs libext2fs2 libcom-err2 libblkid1 libuuid1 libss2 libc6 passt; do
	unpack "$(fetch $p)" "$cache/l1tools"
done
