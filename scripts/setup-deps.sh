#!/usr/bin/env bash
# Install every build and test dependency of lkvm on Debian 12 (x86_64 or
# arm64) as root. Idempotent: packages already present are not reinstalled.
set -euo pipefail

host_arch=$(dpkg --print-architecture)
need_update=0

[ "$(id -u)" = 0 ] || { echo "setup-deps: must run as root (apt-get)" >&2; exit 1; }

pkgs=(make gcc libc6-dev pkg-config xz-utils libfdt-dev zlib1g-dev libcmocka-dev
      cpio gzip device-tree-compiler clang libclang-rt-14-dev acpica-tools qemu-efi-aarch64)
if [ "$host_arch" != arm64 ]; then
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		dpkg --add-architecture arm64
		need_update=1
	fi
	# libfdt-dev:arm64 cannot be co-installed with libfdt-dev, so the
	# arm64 libraries are unpacked into a sysroot by fetch-arm64.sh.
	pkgs+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm)
fi

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ $need_update = 1 ] || [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v lock)" ] ||
	   ! apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
		apt-get update -q
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
	fi
fi
echo "setup-deps: build and test packages present"
