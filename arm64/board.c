// SPDX-License-Identifier: GPL-2.0
/*
 * The board's own devices (struct vm_board), as QEMU virt has them: the
 * console UART (the 16550, or the PL011 in firmware mode) and pvpanic,
 * on the MMIO bus, their interrupt lines through the vGIC. The virtio
 * devices are arm64/devices.c's; the flash, PL031 and fw_cfg of firmware
 * mode arm64/firmware.c's.
 */
#include "arm64/kvm_arm64.h"
#include "arm64/vm.h"
#include "core/log.h"
#include "machine/memmap.h"

/*
 * pvpanic, on the vCPU thread that wrote it: a panic ends the VM at once,
 * before the guest resets or hangs; a panic the guest's own crash kernel
 * handles is only noted.
 */
static void pvpanic_event(void *opaque, unsigned int events)
{
	struct vm *vm = opaque;

	if (events & PVPANIC_PANICKED)
		vm_guest_panicked(vm);
	else if (events & PVPANIC_CRASH_LOADED)
		pr_warn_ratelimited(&vm->board.pvpanic_warn, "the guest's crash kernel takes over a panic");
}

static void uart_set_irq(void *opaque, int level)
{
	struct vm *vm = opaque;

	arm64_irq_line(vm, vm->firmware ? IRQ_PL011 : IRQ_UART16550, level);
}

/* The guest emptied the receive buffer: paused console input may resume. */
static void uart_rx_drained(void *opaque)
{
	console_input_space(opaque);
}

static void uart_mmio(void *opaque, uint64_t offset, uint8_t *data,
		      uint32_t len, bool is_write)
{
	struct vm *vm = opaque;

	uart16550_access(&vm->board.uart, offset, data, len, is_write);
}

static void pl011_mmio(void *opaque, uint64_t offset, uint8_t *data,
		       uint32_t len, bool is_write)
{
	struct vm *vm = opaque;

	pl011_access(&vm->board.pl011, offset, data, len, is_write);
}

static const struct serial_ops uart_ops = {
	.transmit = vm_console_transmit,
	.set_irq = uart_set_irq,
	.rx_drained = uart_rx_drained,
};

/* The console UART: the 16550, or in firmware mode the PL011 UEFI knows. */
int board_create(struct vm *vm)
{
	int ret;

	uart16550_init(&vm->board.uart, &uart_ops, vm);
	pl011_init(&vm->board.pl011, &uart_ops, vm);
	if (vm->firmware)
		ret = mmio_bus_add(&vm->mmio, PL011_BASE, PL011_SIZE, pl011_mmio, vm, "pl011");
	else
		ret = mmio_bus_add(&vm->mmio, UART16550_BASE, UART16550_SIZE,
				   uart_mmio, vm, "uart16550");
	if (!ret && !vm->cfg->no_pvpanic) {
		pvpanic_init(&vm->board.pvpanic, pvpanic_event, vm);
		ret = mmio_bus_add(&vm->mmio, PVPANIC_BASE, PVPANIC_MMIO_SIZE,
				   pvpanic_access, &vm->board.pvpanic, "pvpanic");
	}
	return ret;
}

void board_destroy(struct vm *vm)
{
	uart16550_destroy(&vm->board.uart);
	pl011_destroy(&vm->board.pl011);
}

