# make bench, scenario [5]: RAS notification latency, from the moment lkvm
# has the injection request to the guest handler's first instruction, per
# notification kind, and the storm's delivery rate; all against an MMIO exit
# round trip measured by the same guest. Needs lib.sh (wait_line) and ras.sh
# (ras_counts).
echo "bench: [5] RAS: injection to the guest handler, and the storm, against an MMIO exit (1 vCPU)"
export HOME=/tmp/home
mkdir -p $HOME
lkvm run -k $ROOT/payloads/ras_bench.flat -c 1 -m 64 --ras --sdei --loglevel debug --name rasbench \
	</dev/null >/tmp/rb.out 2>/tmp/rb.err &
vm_pid=$!
for kind in sea serror sdei; do
	i=0
	while [ $i -lt 15 ] && wait_line /tmp/rb.out "READY $kind $i"; do
		lkvm ras --name rasbench --inject memory --gpa 0x40100000 --severity corrected \
			--notify $kind > /dev/null
		i=$((i + 1))
	done
done
if wait_line /tmp/rb.out "READY storm"; then
	i=0
	while [ $i -lt 30 ]; do
		lkvm ras --name rasbench --inject memory --gpa 0x40100000 --severity corrected \
			--notify sdei --count 100 > /dev/null
		i=$((i + 1))
	done
	sleep 2
	lkvm ras --name rasbench --status > /tmp/rb.status
	lkvm sdei --name rasbench --signal 2 --vcpu 0 > /dev/null
fi
wait $vm_pid
tr -d '\r' < /tmp/rb.out > /tmp/rb.lines
sed -n 's/^lkvm: debug: ras: injection received at guest counter //p' /tmp/rb.err | head -n 45 > /tmp/rb.sent
sed -n 's/^STAMP \([a-z]*\) \([0-9]*\)$/\1 \2/p' /tmp/rb.lines > /tmp/rb.got
freq=$(sed -n 's/^FREQ //p' /tmp/rb.lines)
mmio=$(sed -n 's/^MMIO //p' /tmp/rb.lines)
if [ -z "$mmio" ] || [ "$(wc -l < /tmp/rb.got)" != 45 ] || [ "$(wc -l < /tmp/rb.sent)" != 45 ]; then
	echo "bench   RAS: incomplete run; see below"
	tail -n 5 /tmp/rb.lines /tmp/rb.err
else
	echo "bench   MMIO exit round trip: median $mmio ticks ($freq Hz)"
	# latency of each sample, then the median per kind, as a multiple of MMIO
	paste -d' ' /tmp/rb.got /tmp/rb.sent | awk -v mmio="$mmio" -v freq="$freq" '
		{ lat[$1] = lat[$1] " " ($2 - $3) }
		END {
			n = split("sea serror sdei", kinds, " ")
			for (k = 1; k <= n; k++) {
				m = split(lat[kinds[k]], v, " ")
				for (i = 1; i <= m; i++)
					for (j = i + 1; j <= m; j++)
						if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
				med = v[int((m + 1) / 2)]
				printf "bench   %-6s injection to handler: median %d ticks (%.1f us) over %d, x%.1f of the MMIO exit\n",
					kinds[k], med, med * 1e6 / freq, m, med / mmio
			}
		}'
fi
sed -n 's/^STORM \([0-9]*\) \([0-9]*\)$/\1 \2/p' /tmp/rb.lines | while read -r n cycle; do
	[ "$cycle" -gt 0 ] || continue
	awk -v n="$n" -v c="$cycle" -v mmio="$mmio" -v freq="$freq" 'BEGIN {
		printf "bench   storm: %d records handled; while queued, one every %d ticks: %d records/s, x%.1f of the MMIO exit per record\n",
			n, c, freq / c, c / mmio }'
done
if [ -e /tmp/rb.status ]; then
	set -- $(ras_counts /tmp/rb.status 0)
	echo "bench   storm source 0: received $1 delivered $2 queued $3 dropped $4 acked $5"
fi
