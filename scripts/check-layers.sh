#!/bin/sh
# make check-layers: lkvm's folders depend on each other one way.
#
#   top (main.c, builtin-*.c)  may include anything
#   arm64/   drives KVM        core machine hw virtio fuse sdei ras acpi
#                              snapshot, <linux/kvm.h>
#   acpi/    pure              core machine hw ras
#   virtio/  pure              core machine hw fuse
#   fuse/    pure              core
#   hw/ sdei/ ras/ snapshot/   core machine
#   machine/ data              nothing of lkvm's
#   core/    neither KVM nor arm64: only core/
#
# Each folder may also include its own headers. Tests and bench/ are
# programs of their own and left out. Prints every #include that breaks
# the rule and fails if there is one.
cd "$(dirname "$0")/.." || exit 1

allowed() {
	case $1 in
	top)	echo "core machine hw virtio fuse sdei ras acpi snapshot arm64 kvm" ;;
	arm64)	echo "core machine hw virtio fuse sdei ras acpi snapshot kvm" ;;
	acpi)	echo "core machine hw ras" ;;
	virtio)	echo "core machine hw fuse" ;;
	fuse)	echo "core" ;;
	hw | sdei | ras | snapshot) echo "core machine" ;;
	machine | core) echo "" ;;
	*)	echo "?" ;;
	esac
}

bad=0
for f in $(git ls-files '*.c' '*.h' | grep -v '^tests/\|^bench/'); do
	from=${f%/*}
	[ "$from" = "$f" ] && from=top
	ok=" $from $(allowed "$from") "
	if [ "$ok" = " $from ? " ]; then
		echo "$f: a folder without a layer; add it to scripts/check-layers.sh"
		bad=1
		continue
	fi
	# the folder of each lkvm header, "kvm" for <linux/kvm.h>
	for to in $(sed -n 's/^#include "\([a-z0-9_]*\)\/.*/\1/p; s/^#include <linux\/kvm\.h>.*/kvm/p' "$f"); do
		case $ok in
		*" $to "*) ;;
		*)	echo "$f: includes $(test "$to" = kvm && echo '<linux/kvm.h>' || echo "a header of $to/"), which $from/ may not (scripts/check-layers.sh)"
			bad=1 ;;
		esac
	done
done
[ $bad = 0 ] && echo "check-layers: every folder includes only the layers below it"
exit $bad
