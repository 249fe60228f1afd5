# lkvm: a lightweight KVM VMM for arm64.
#
#   make            the static aarch64 lkvm (cross-built on x86_64)
#   make check      set-up, unit tests natively, integration suite in the emulated host
#   make demo       set-up, then boot a Debian arm64 guest under lkvm
#   make bench      start-up benchmark in the emulated host
#   make unit       unit tests only (no emulated host)
#   make check-layers  the folders include each other one way (also in make check)

LKVM_VERSION := $(shell git describe --always --dirty 2>/dev/null || echo 0.1)
LKVM_CACHE ?= $(HOME)/.cache/lkvm
export LKVM_CACHE

HOST_ARCH := $(shell uname -m)
ifeq ($(HOST_ARCH),aarch64)
CROSS_COMPILE ?=
TARGET_LIBS_FLAGS :=
else
CROSS_COMPILE ?= aarch64-linux-gnu-
SYSROOT := $(LKVM_CACHE)/sysroot
TARGET_LIBS_FLAGS := -I$(SYSROOT)/usr/include -L$(SYSROOT)/usr/lib/aarch64-linux-gnu
endif

CC_TARGET := $(CROSS_COMPILE)gcc
WARNINGS := -Wall -Wextra -Wno-unused-parameter -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS_COMMON := -std=gnu11 -O2 -g $(WARNINGS) -Werror -I. -D_GNU_SOURCE

# Quiet by default, kernel style; `make V=1` shows the commands.
ifeq ($(V),1)
Q :=
quiet = @:
else
Q := @
quiet = @printf '  %-7s %s\n'
endif

BUILD := build
TARGET_OBJDIR := $(BUILD)/arm64
HOST_OBJDIR := $(BUILD)/host

# Pure modules: no KVM, built natively for the unit tests too.
PURE_SRCS := \
	core/cmdline.c \
	core/control_proto.c \
	core/fileio.c \
	core/iov.c \
	core/log.c \
	core/memslot.c \
	core/mmio.c \
	core/options.c \
	core/outbuf.c \
	core/panic_line.c \
	core/passt.c \
	core/signals.c \
	core/term.c \
	arm64/fdt.c \
	arm64/image.c \
	arm64/layout.c \
	arm64/s1walk.c \
	hw/cfi_flash.c \
	hw/fw_cfg.c \
	hw/pci.c \
	hw/pl011.c \
	hw/pl031.c \
	hw/pvpanic.c \
	hw/uart16550.c \
	fuse/handles.c \
	fuse/nodes.c \
	fuse/ops_attr.c \
	fuse/ops_entry.c \
	fuse/ops_file.c \
	fuse/readdir.c \
	fuse/server.c \
	virtio/balloon.c \
	virtio/blk.c \
	virtio/console.c \
	virtio/core.c \
	virtio/fs.c \
	virtio/mmio.c \
	virtio/net.c \
	virtio/net_stream.c \
	virtio/pci.c \
	virtio/rng.c \
	virtio/state.c \
	virtio/virtqueue.c \
	virtio/vsock.c \
	sdei/calls.c \
	sdei/catalogue.c \
	sdei/dispatch.c \
	sdei/save.c \
	sdei/sdei.c \
	sdei/state.c \
	sdei/status.c \
	ras/cper_check.c \
	ras/cper_encode.c \
	ras/cper_print.c \
	ras/ghes.c \
	ras/ghes_state.c \
	ras/host_ring.c \
	ras/poison.c \
	ras/policy.c \
	ras/records.c \
	ras/status.c \
	snapshot/dir.c \
	snapshot/manifest.c \
	snapshot/records.c \
	snapshot/state.c \
	acpi/aml.c \
	acpi/buf.c \
	acpi/loader.c \
	acpi/tables.c
KVM_SRCS := \
	builtin-control.c \
	builtin-ras.c \
	builtin-run.c \
	builtin-sdei.c \
	builtin-snapshot.c \
	main.c \
	core/control.c \
	core/ioloop.c \
	core/sandbox.c \
	arm64/board.c \
	arm64/boot.c \
	arm64/console.c \
	arm64/control.c \
	arm64/devices.c \
	arm64/devices_state.c \
	arm64/firmware.c \
	arm64/firmware_state.c \
	arm64/fs_thread.c \
	arm64/gic.c \
	arm64/gic_state.c \
	arm64/host.c \
	arm64/hypercall.c \
	arm64/io.c \
	arm64/irq.c \
	arm64/memory.c \
	arm64/psci.c \
	arm64/ras.c \
	arm64/ras_capture.c \
	arm64/ras_control.c \
	arm64/ras_kvm.c \
	arm64/ras_repoison.c \
	arm64/restore.c \
	arm64/sandbox_policy.c \
	arm64/sdei_kvm.c \
	arm64/snapshot.c \
	arm64/vcpu.c \
	arm64/vcpu_loop.c \
	arm64/vcpu_state.c \
	arm64/vm.c
LKVM_SRCS := $(PURE_SRCS) $(KVM_SRCS)

all: lkvm

# --- the target binary ----------------------------------------------------
TARGET_OBJS := $(LKVM_SRCS:%.c=$(TARGET_OBJDIR)/%.o)

lkvm: $(TARGET_OBJS)
	$(quiet) LD $@
	$(Q)$(CC_TARGET) -static -o $@ $^ $(TARGET_LIBS_FLAGS) -lfdt -lz -lseccomp -lpthread

$(TARGET_OBJDIR)/%.o: %.c $(if $(SYSROOT),$(SYSROOT)/.ready) Makefile
	@mkdir -p $(dir $@)
	$(quiet) CC $<
	$(Q)$(CC_TARGET) $(CFLAGS_COMMON) $(TARGET_LIBS_FLAGS) -MMD -MP \
		-DLKVM_VERSION='"$(LKVM_VERSION)"' -c -o $@ $<

# --- lkvm under AddressSanitizer and UBSan, for make check-asan -----------
# Linked dynamically against the sanitizers' runtimes from Debian's arm64
# cross packages, which run.sh carries into the emulated host; libfdt, zlib
# and libseccomp stay static (the emulated host has no copies of its own).
ASAN_OBJDIR := $(BUILD)/arm64-asan
ASAN_OBJS := $(LKVM_SRCS:%.c=$(ASAN_OBJDIR)/%.o)
TARGET_SAN := -fsanitize=address,undefined -fno-omit-frame-pointer

lkvm-asan: $(ASAN_OBJS)
	$(quiet) LD $@
	$(Q)$(CC_TARGET) $(TARGET_SAN) -no-pie -o $@ $^ $(TARGET_LIBS_FLAGS) \
		-Wl,-Bstatic -lfdt -lz -lseccomp -Wl,-Bdynamic -lpthread

$(ASAN_OBJDIR)/%.o: %.c $(if $(SYSROOT),$(SYSROOT)/.ready) Makefile
	@mkdir -p $(dir $@)
	$(quiet) CC-ASAN $<
	$(Q)$(CC_TARGET) $(CFLAGS_COMMON) $(TARGET_SAN) $(TARGET_LIBS_FLAGS) -MMD -MP \
		-DLKVM_VERSION='"$(LKVM_VERSION)"' -c -o $@ $<

-include $(ASAN_OBJS:.o=.d)

# The arm64 libfdt/zlib come unpacked from Debian's packages (see scripts/).
$(SYSROOT)/.ready:
	scripts/fetch-arm64.sh
	touch $@

-include $(TARGET_OBJS:.o=.d)

# --- unit tests, natively, under ASan and UBSan ----------------------------
HOST_CC ?= cc
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HOST_CFLAGS := $(CFLAGS_COMMON) $(SAN)
HOST_OBJS := $(PURE_SRCS:%.c=$(HOST_OBJDIR)/%.o)
UNIT_TESTS := $(patsubst tests/unit/%.c,$(HOST_OBJDIR)/tests/%,$(wildcard tests/unit/test_*.c))

$(HOST_OBJDIR)/%.o: %.c Makefile
	@mkdir -p $(dir $@)
	$(quiet) HOSTCC $<
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -MMD -MP -c -o $@ $<

$(HOST_OBJDIR)/tests/%: tests/unit/%.c $(HOST_OBJS) tests/unit/helpers.h \
			tests/unit/virtio_pci_fixture.h
	@mkdir -p $(dir $@)
	$(quiet) HOSTLD $@
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -o $@ $< $(HOST_OBJS) -lcmocka -lfdt -lz -lpthread

-include $(HOST_OBJS:.o=.d)

# --- fuzzing (libFuzzer, clang) ------------------------------------------
# Every tests/fuzz/fuzz_*.c is a target, linked against the pure modules
# built once with the fuzzer's coverage and the sanitizers.
FUZZ_CC ?= clang
FUZZ_OBJDIR := $(BUILD)/fuzz
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(FUZZ_OBJDIR)/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := -g -O1 $(FUZZ_SAN) -std=gnu11 -I. -D_GNU_SOURCE -Wall -Wextra -Werror \
	       -Wno-unused-parameter
FUZZ_OBJS := $(PURE_SRCS:%.c=$(FUZZ_OBJDIR)/obj/%.o)
FUZZ_SECONDS ?= 10

$(FUZZ_OBJDIR)/obj/%.o: %.c Makefile
	@mkdir -p $(dir $@)
	$(quiet) FUZZCC $<
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_OBJDIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS) Makefile
	@mkdir -p $(dir $@)
	$(quiet) FUZZ $@
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -MMD -MP -o $@ $< $(FUZZ_OBJS) \
		-lfdt -lz -lpthread

-include $(FUZZ_OBJS:.o=.d) $(FUZZ_TARGETS:=.d)

fuzz-build: $(FUZZ_TARGETS)

# A short run is part of make check; `make fuzz-long` runs ten minutes.
fuzz: fuzz-build
	@tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-long: fuzz-build
	@tests/fuzz/run.sh 600 $(FUZZ_TARGETS)

unit-build: $(UNIT_TESTS)

check-layers:
	@scripts/check-layers.sh

unit: unit-build
	@tests/unit/run.sh $(UNIT_TESTS)

# --- set-up, integration, demo, bench -------------------------------------
deps:
	@if [ "$$(id -u)" = 0 ]; then scripts/setup-deps.sh; \
	 else echo "make deps: not root, assuming the packages in scripts/setup-deps.sh are installed"; fi
	@scripts/fetch-arm64.sh
ifneq ($(SYSROOT),)
	@touch $(SYSROOT)/.ready
endif

# Bare-metal payloads: one .S, or one .c (with its optional _asm.S) on
# the runtime in tests/guest/rt.
GUEST_RT := tests/guest/rt/crt.S tests/guest/rt/rt.c tests/guest/rt/sdei_entry.S tests/guest/rt/vectors.S
GUEST_CFLAGS := -O2 -ffreestanding -fno-builtin -nostdlib -static -mstrict-align \
	-mgeneral-regs-only -fno-stack-protector -fno-pic -no-pie -Wall -Wextra -Werror \
	-Wl,--build-id=none -Wl,-T,tests/guest/flat.lds
GUEST_PAYLOADS := $(patsubst tests/guest/%.S,$(BUILD)/guest/%.flat,$(filter-out %_asm.S,$(wildcard tests/guest/*.S))) \
		  $(patsubst tests/guest/%.c,$(BUILD)/guest/%.flat,$(wildcard tests/guest/*.c))

$(BUILD)/guest/%.flat: tests/guest/%.S tests/guest/flat.lds tests/guest/uart.inc
	@mkdir -p $(dir $@)
	$(quiet) AS $<
	$(Q)$(CC_TARGET) -nostdlib -static -Wl,--build-id=none -Wl,-T,tests/guest/flat.lds -o $(BUILD)/guest/$*.elf $<
	$(Q)$(CROSS_COMPILE)objcopy -O binary $(BUILD)/guest/$*.elf $@

# AArch32 payloads, for --aarch32: A32 code, which clang assembles.
A32_CC ?= clang
GUEST_PAYLOADS += $(patsubst tests/guest/a32/%.S,$(BUILD)/guest/a32-%.flat,$(wildcard tests/guest/a32/*.S))

$(BUILD)/guest/a32-%.flat: tests/guest/a32/%.S
	@mkdir -p $(dir $@)
	$(quiet) AS32 $<
	$(Q)$(A32_CC) --target=armv7a-none-eabi -c -o $(BUILD)/guest/a32-$*.o $<
	$(Q)$(CROSS_COMPILE)objcopy -O binary -j .text $(BUILD)/guest/a32-$*.o $@

$(BUILD)/guest/%.flat: tests/guest/%.c $(GUEST_RT) $(wildcard tests/guest/*.h tests/guest/rt/*.h) tests/guest/flat.lds
	@mkdir -p $(dir $@)
	$(quiet) CC $<
	$(Q)$(CC_TARGET) $(GUEST_CFLAGS) -o $(BUILD)/guest/$*.elf $(GUEST_RT) $< $(wildcard tests/guest/$*_asm.S)
	$(Q)$(CROSS_COMPILE)objcopy -O binary $(BUILD)/guest/$*.elf $@

# Test helpers that run inside the emulated host.
L1_HELPERS := $(BUILD)/l1/ptytest $(BUILD)/l1/ctlpoke $(BUILD)/l1/startup-bench \
	      $(BUILD)/l1/iobench $(BUILD)/l1/touchpage $(BUILD)/l1/dnsstub \
	      $(BUILD)/l1/udpmsg $(BUILD)/l1/vsockmsg

$(BUILD)/l1/ptytest: tests/l1/ptytest.c
$(BUILD)/l1/ctlpoke: tests/l1/ctlpoke.c
$(BUILD)/l1/startup-bench: bench/startup.c
$(BUILD)/l1/iobench: bench/iobench.c
$(BUILD)/l1/touchpage: tests/l1/touchpage.c
$(BUILD)/l1/dnsstub: tests/l1/dnsstub.c
$(BUILD)/l1/udpmsg: tests/l1/udpmsg.c
$(BUILD)/l1/vsockmsg: tests/l1/vsockmsg.c
$(L1_HELPERS):
	@mkdir -p $(dir $@)
	$(quiet) CC $<
	$(Q)$(CC_TARGET) -static -O2 -Wall -Wextra -Werror -o $@ $<

payloads: $(GUEST_PAYLOADS) $(L1_HELPERS)

integration: lkvm payloads
	@tests/l1/run.sh check

check: deps
	@$(MAKE) --no-print-directory unit-build fuzz-build lkvm payloads
	@tests/check.sh $(UNIT_TESTS)

# The check suite again, with lkvm-asan as lkvm: any sanitizer report fails.
check-asan: deps
	@$(MAKE) --no-print-directory lkvm lkvm-asan payloads
	@LKVM_BIN=$(CURDIR)/lkvm-asan tests/l1/run.sh asan

demo: deps
	@$(MAKE) --no-print-directory lkvm payloads
	@tests/l1/run.sh demo

bench: deps
	@$(MAKE) --no-print-directory lkvm payloads
	@tests/l1/run.sh bench

clean:
	rm -rf $(BUILD) lkvm lkvm-asan

.SECONDARY:

.PHONY: all deps unit unit-build fuzz fuzz-build fuzz-long payloads integration check check-asan check-layers demo bench clean
