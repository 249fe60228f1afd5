#!/bin/sh
# The include graph between lkvm's folders: one line per pair, "FROM -> TO
# (N)", N the number of #include lines from files in FROM of headers in
# TO; "top" is the top-level builtin-*.c and main.c, "kvm" <linux/kvm.h>.
# Tests are left out. Run from anywhere: scripts/include-graph.sh
cd "$(dirname "$0")/.." || exit 1
git ls-files '*.c' '*.h' | grep -v '^tests/' | while read -r f; do
	from=${f%/*}
	[ "$from" = "$f" ] && from=top
	sed -n 's/^#include "\([a-z0-9_]*\)\/.*/\1/p; s/^#include <linux\/kvm.h>.*/kvm/p' "$f" |
		while read -r to; do
			[ "$to" != "$from" ] && echo "$from -> $to"
		done
done | sort | uniq -c | awk '{ printf "%s %s %s (%d)\n", $2, $3, $4, $1 }'
