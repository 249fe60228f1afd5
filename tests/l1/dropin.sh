# lkvm in place of kvmtool, sourced by mode-check.sh: kvm-unit-tests'
# probe.

# probe DESCRIPTION PATTERN OPTION...: kvm-unit-tests' host probe with
# these options prints one line matching PATTERN.
probe() {
	desc=$1 want=$2
	shift 2
	one_line_error "probe: $desc" "$want" timeout 600 lkvm run --kernel _NO_FILE_4Uhere_ "$@"
}

# What this host cannot give is named before the kernel is opened; what
# it can run gets the kernel message, word for word.
probe_checks() {
	probe "a configuration this host can run gets the kernel message" \
		'^Fatal: Unable to open kernel _NO_FILE_4Uhere_$' \
		-c 2 -m 256 --irqchip gicv3-its --pmu
	probe "--irqchip gicv2, on a GICv3 without GICv2 compatibility" \
		'^lkvm: --irqchip gicv2: this host cannot give the guest a GICv2: ' --irqchip gicv2
	probe "--nested, without KVM_CAP_ARM_EL2" \
		"^lkvm: --nested: this host's KVM cannot give guests EL2 \\(no KVM_CAP_ARM_EL2\\)\$" --nested
	probe "--cpus above KVM's limit" \
		"^lkvm: --cpus 4096: above this host's limit of [0-9]+ vCPUs\$" -c 4096
	probe "--mem beyond the host's guest address space" \
		"^lkvm: --mem: guest RAM would end at 0x[0-9a-f]+, beyond this host's [0-9]+-bit guest address space\$" \
		-m 16384T
}

