# On an older emulated host (Debian 12's own 6.1 kernel, whose KVM has no
# SMCCC filter, on a CPU without a PMU): --sdei and --pmu must refuse to
# start with one line naming what is missing, before the kernel is opened,
# and lkvm without them must still run. Prints TAP.
. "$ROOT/lib.sh"
. "$ROOT/dropin.sh"
P=$ROOT/payloads
echo "# host: $(uname -r)"

lkvm_run old -k $P/sdei.flat -c 1 -m 64 --sdei
if [ "$status" = 1 ] && [ "$(wc -l < /tmp/old.err)" = 1 ] &&
   grep -q '^lkvm: --sdei: .*no KVM_ARM_VM_SMCCC_FILTER, Linux 6.4 or later' /tmp/old.err; then
	ok "6.1 host: --sdei stops at start, naming the missing KVM_ARM_VM_SMCCC_FILTER"
else
	echo "#   exit status $status"
	not_ok "6.1 host: --sdei stops at start, naming the missing KVM_ARM_VM_SMCCC_FILTER" /tmp/old.out /tmp/old.err
fi

probe "6.1 host: --sdei, without the SMCCC filter" \
	'^lkvm: --sdei: .*no KVM_ARM_VM_SMCCC_FILTER, Linux 6.4 or later' --sdei
probe "6.1 host: --pmu, on a CPU without one" \
	"^lkvm: --pmu: this host's KVM cannot give guests a PMU \\(no KVM_CAP_ARM_PMU_V3\\)\$" --pmu

lkvm_run hello -k $P/hello.flat -c 1 -m 64
if [ "$status" = 0 ] && has hello '^x0 points at a device tree$'; then
	ok "6.1 host: lkvm without --sdei runs a guest"
else
	not_ok "6.1 host: lkvm without --sdei runs a guest" /tmp/hello.out /tmp/hello.err
fi
tap_done
