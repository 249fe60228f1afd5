# The integration suite, run by the emulated host's init (or natively on
# an arm64 KVM host, with everything under $ROOT). Prints TAP. Each area's
# checks are in their own file; this one says in which order they run.
. "$ROOT/lib.sh"
. "$ROOT/cli.sh"
. "$ROOT/payloads.sh"
. "$ROOT/sandbox.sh"
. "$ROOT/sdei.sh"
. "$ROOT/control.sh"
. "$ROOT/virtio.sh"
. "$ROOT/netuser.sh"
. "$ROOT/vsock.sh"
. "$ROOT/fs.sh"
. "$ROOT/balloon.sh"
. "$ROOT/linux.sh"
. "$ROOT/dropin.sh"
. "$ROOT/ras.sh"
. "$ROOT/firmware.sh"
. "$ROOT/snapshot.sh"

echo "# host: $(uname -r), $(nproc) CPUs, /dev/kvm $(test -c /dev/kvm && echo present || echo MISSING)"

command_checks
bad_input_checks
probe_checks
took "the command and bad input"
payload_checks
thp_checks
terminal_checks
took "bare-metal payloads and the terminal"
sandbox_checks
took "the sandbox"
sdei_payload_checks
sdei_host_checks
took "SDEI payloads and host injection"
control_checks
took "the control plane"
virtio_checks
took "virtio"
netuser_checks
took "user-mode network through passt"
vsock_checks
took "vsock"
fs_checks
fs_root_checks
took "virtio-fs"
balloon_checks
took "virtio-balloon"
linux_checks
took "Linux guests: 2 vCPUs, SDEI and CPU hotplug"
panic_checks
took "a guest's panic and reset as exit statuses"
option_checks
default_kernel_checks
took "kvmtool's arm64 run options"
ras_cli_checks
ras_payload_checks "ras"
ras_unacked_checks
ras_smp_checks "ras, 2 vCPUs"
ras_linux_checks "ras, Linux guest"
took "RAS"
firmware_checks "firmware"
took "UEFI firmware boots"
snapshot_checks
took "snapshot and restore"

# mode-asan.sh adds its verdict on the sanitizers' reports here.
${after_checks:-true}
tap_done
