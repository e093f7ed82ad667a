# SPDX-License-Identifier: GPL-2.0
# The x86_64 basic test firmware: a guest program, not part of Keel, built
# with the host's compiler (a freestanding x86-64 target is the host's).
# Also builds the SVM probe next to it (../probe/build.mk).
#
# Builds $(GUEST_FIRMWARE_X86_BASIC) = $(BUILD)/guests/x86_64/basic/basic.bin
# and basic.elf next to it. Everything defined here starts with BASIC_X86_
# or GUEST_; the objects get static pattern rules, which win over the top
# Makefile's $(BUILD)/%.o pattern.

BUILD ?= build
SRCTREE ?= $(CURDIR)

include $(SRCTREE)/tests/x86_64/qemu-q35/probe/build.mk

BASIC_X86_CC := gcc
BASIC_X86_OBJCOPY := objcopy
BASIC_X86_SRC := $(SRCTREE)/tests/x86_64/qemu-q35/basic
BASIC_X86_COMMON := $(SRCTREE)/tests/common/basic
BASIC_X86_OUT := $(BUILD)/guests/x86_64/basic
GUEST_FIRMWARE_X86_BASIC := $(BASIC_X86_OUT)/basic.bin

BASIC_X86_ASM_OBJS := $(addprefix $(BASIC_X86_OUT)/arch/, start.o)
BASIC_X86_C_OBJS := $(addprefix $(BASIC_X86_OUT)/arch/, main.o lazy.o)
BASIC_X86_COMMON_OBJS := $(addprefix $(BASIC_X86_OUT)/common/, \
	main.o printf.o string.o fdt.o memtest.o timing.o smp.o bench.o lazy.o \
	faults.o virtio.o yield.o pc_devices.o finisher.o)
BASIC_X86_OBJS := $(BASIC_X86_ASM_OBJS) $(BASIC_X86_C_OBJS) \
	$(BASIC_X86_COMMON_OBJS)

# Linked and run at 0, so not position-independent. No red zone:
# interrupts arrive on the current stack. No SSE in compiled code: only
# lazy.c touches the XMM registers, by hand. No loop-to-memset
# conversion: memset is itself such a loop.
BASIC_X86_CFLAGS := -std=gnu11 -ffreestanding -nostdlib -fno-builtin \
	-m64 -march=x86-64 -mno-red-zone -mgeneral-regs-only -mcmodel=small \
	-fno-pie -fno-pic -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wmissing-prototypes -Wstrict-prototypes -Wshadow -Wvla \
	-fvisibility=hidden -fno-common -fno-stack-protector \
	-fcf-protection=none -fno-tree-loop-distribute-patterns \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -MMD -MP \
	-I$(BASIC_X86_COMMON) -I$(BASIC_X86_SRC)
BASIC_X86_LDFLAGS := -nostdlib -static -no-pie -Wl,-z,max-page-size=4096 \
	-Wl,--build-id=none -Wl,--no-warn-rwx-segments -Wl,-z,noexecstack \
	-Wl,-T,$(BASIC_X86_SRC)/basic.lds

.PHONY: guest-firmware guest-firmware-clean guest-firmware-clean-x86

guest-firmware: $(GUEST_FIRMWARE_X86_BASIC) $(GUEST_FIRMWARE_X86)

$(BASIC_X86_COMMON_OBJS): $(BASIC_X86_OUT)/common/%.o: $(BASIC_X86_COMMON)/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      guests/x86_64/basic/common/$*.c")
	$(Q)$(BASIC_X86_CC) $(BASIC_X86_CFLAGS) -c $< -o $@

$(BASIC_X86_C_OBJS): $(BASIC_X86_OUT)/arch/%.o: $(BASIC_X86_SRC)/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      guests/x86_64/basic/$*.c")
	$(Q)$(BASIC_X86_CC) $(BASIC_X86_CFLAGS) -c $< -o $@

$(BASIC_X86_ASM_OBJS): $(BASIC_X86_OUT)/arch/%.o: $(BASIC_X86_SRC)/%.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      guests/x86_64/basic/$*.S")
	$(Q)$(BASIC_X86_CC) $(BASIC_X86_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

$(BASIC_X86_OUT)/basic.elf: $(BASIC_X86_OBJS) $(BASIC_X86_SRC)/basic.lds
	@$(if $(Q),echo "  LD      guests/x86_64/basic/basic.elf")
	$(Q)$(BASIC_X86_CC) $(BASIC_X86_LDFLAGS) -o $@ $(BASIC_X86_OBJS)

$(GUEST_FIRMWARE_X86_BASIC): $(BASIC_X86_OUT)/basic.elf
	@$(if $(Q),echo "  OBJCOPY guests/x86_64/basic/basic.bin")
	$(Q)$(BASIC_X86_OBJCOPY) -O binary $< $@

guest-firmware-clean: guest-firmware-clean-x86

guest-firmware-clean-x86:
	rm -rf $(BASIC_X86_OUT) $(PROBE_X86_OUT)

-include $(BASIC_X86_OBJS:.o=.d)
