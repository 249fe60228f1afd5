# On an older emulated host (Debian 12's own 6.1 kernel, whose KVM has no
# SMCCC filter, on a CPU without a PMU): --sdei and --pmu must refuse to
# start with one line naming what is missing, before the kernel is opened,
# and lkvm without them must still run. Prints TAP.
. "$ROOT/lib.sh"
. "$ROOT/dropin.sh"
echo "# host: $(uname -r)"

lkvm_run old -k $P/sdei.flat -c 1 -m 64 --sdei
echo "#   exit status $status"
expect -f /tmp/old.out -f /tmp/old.err "6.1 host: --sdei stops at start, naming the missing KVM_ARM_VM_SMCCC_FILTER" \
	eval '[ "$status" = 1 ] && [ "$(wc -l < /tmp/old.err)" = 1 ] &&
		grep -q "^lkvm: --sdei: .*no KVM_ARM_VM_SMCCC_FILTER, Linux 6.4 or later" /tmp/old.err'

probe "6.1 host: --sdei, without the SMCCC filter" \
	'^lkvm: --sdei: .*no KVM_ARM_VM_SMCCC_FILTER, Linux 6.4 or later' --sdei
probe "6.1 host: --pmu, on a CPU without one" \
	"^lkvm: --pmu: this host's KVM cannot give guests a PMU \\(no KVM_CAP_ARM_PMU_V3\\)\$" --pmu
probe "6.1 host: --sve-max-vl, on a CPU without SVE" \
	"^lkvm: --sve-max-vl: this host's KVM gives guests no SVE \\(no KVM_CAP_ARM_SVE\\)\$" --sve-max-vl 256
probe "6.1 host: --counter-offset, before Linux 6.4" \
	"^lkvm: --counter-offset: this host's KVM cannot offset a guest's counter \\(no KVM_CAP_COUNTER_OFFSET, Linux 6.4 or later\\)\$" \
	--counter-offset 0

# Without MTE on the host, the default gives the guest none, and no error.
lkvm_run feat -k $P/features.flat -c 1 -m 64
expect -f /tmp/feat.out -f /tmp/feat.err "6.1 host: without MTE or SVE on the host, the guest gets neither, and lkvm runs" \
	eval '[ "$status" = 0 ] && has feat "^mte=0\$" && has feat "^sve=0\$"'

lkvm_run hello -k $P/hello.flat -c 1 -m 64
expect -f /tmp/hello.out -f /tmp/hello.err "6.1 host: lkvm without --sdei runs a guest" \
	eval '[ "$status" = 0 ] && has hello "^x0 points at a device tree\$"'
tap_done
