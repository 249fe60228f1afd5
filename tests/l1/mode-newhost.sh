# On a newer emulated host (Debian trixie-backports' 7.3 kernel, whose KVM
# has KVM_CAP_ARM_SEA_TO_USER): the RAS scenarios again, and lkvm enables
# the capability. Prints TAP.
. "$ROOT/lib.sh"
. "$ROOT/ras.sh"
echo "# host: $(uname -r)"

lkvm_run seacap -k $P/hello.flat -c 1 -m 64 --ras --loglevel debug
expect -f /tmp/seacap.err "7.3 host: --ras enables KVM_CAP_ARM_SEA_TO_USER" \
	eval '[ "$status" = 0 ] && grep -q "ras: 4 error sources at 0x[0-9a-f]*, KVM_EXIT_ARM_SEA enabled" /tmp/seacap.err'
# 7.3's KVM knows nested virtualization but needs FEAT_NV2, which QEMU 7.2
# does not emulate: the capability is 0 and --nested is refused.
one_line_error "7.3 host: --nested is refused without FEAT_NV2" \
	"^lkvm: --nested: this host's KVM cannot give guests EL2 \\(no KVM_CAP_ARM_EL2\\)$" \
	timeout 600 lkvm run -k $P/hello.flat --nested
ras_payload_checks "7.3 host: ras"
ras_smp_checks "7.3 host: ras, 2 vCPUs"
ras_linux_checks "7.3 host: ras, Linux guest"
tap_done
