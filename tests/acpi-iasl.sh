#!/usr/bin/env bash
# The ACPI tables `lkvm run --dump-acpi` wrote in the emulated host, which
# its firmware scenario printed base64-encoded ("ACPI-DUMP NAME DATA"),
# disassembled here by ACPICA's iasl (Debian's acpica-tools): every table
# must disassemble with exit status 0 and no line naming an error, a
# warning or a checksum. iasl does not take an RSDP alone, so its two
# checksums are summed here. Prints TAP; writes "passed failed" to RESULT.
set -u
log=${1:?usage: acpi-iasl.sh CONSOLE-LOG RESULT}
result=${2:?usage: acpi-iasl.sh CONSOLE-LOG RESULT}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
passed=0 failed=0 n=0

report() {
	n=$((n + 1))
	if [ "$1" = ok ]; then
		passed=$((passed + 1)); echo "ok $n - $2"
	else
		failed=$((failed + 1)); echo "not ok $n - $2"
	fi
}

tr -d '\r' < "$log" | sed -n 's/^ACPI-DUMP \([a-z0-9]*\.dat\) \([A-Za-z0-9+/=]*\)$/\1 \2/p' |
while read -r name data; do echo "$data" | base64 -d > "$dir/$name"; done
names=$(cd "$dir" && ls *.dat 2>/dev/null | tr '\n' ' ')
# sum8 FILE N: the first N bytes of FILE, summed modulo 256.
sum8() { od -An -tu1 -N"$2" -v "$1" | tr -s ' ' '\n' | awk '{ s += $1 } END { print s % 256 }'; }

rsdp=$dir/rsdp.dat
if [ -s "$rsdp" ] && [ "$(head -c 8 "$rsdp")" = "RSD PTR " ] &&
   [ "$(sum8 "$rsdp" 20)" = 0 ] && [ "$(sum8 "$rsdp" 36)" = 0 ]; then
	report ok "rsdp.dat: 'RSD PTR ', both checksums sum to 0"
else
	report not "rsdp.dat: 'RSD PTR ', both checksums sum to 0"
fi
for want in apic.dat dsdt.dat facp.dat gtdt.dat hest.dat sdei.dat spcr.dat xsdt.dat; do
	case " $names " in
	*" $want "*) ;;
	*) report not "iasl: the log holds --dump-acpi's $want"; continue ;;
	esac
	out=$(cd "$dir" && iasl -d "$want" 2>&1)
	status=$?
	bad=$(echo "$out" | grep -iE 'error|warning|checksum')
	if [ $status = 0 ] && [ -z "$bad" ] && [ -s "$dir/${want%.dat}.dsl" ]; then
		report ok "iasl -d $want (dumped by lkvm run --firmware --dump-acpi)"
	else
		echo "$out" | sed 's/^/#   /'
		report not "iasl -d $want (dumped by lkvm run --firmware --dump-acpi)"
	fi
done
echo "iasl: $passed passed, $failed failed"
echo "$passed $failed" > "$result"
[ "$failed" = 0 ]
