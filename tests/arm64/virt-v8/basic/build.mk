# SPDX-License-Identifier: GPL-2.0
# The arm64 basic test firmware: a guest program, not part of Keel.
#
# Included by the top Makefile, or on its own:
#   make -f tests/arm64/virt-v8/basic/build.mk BUILD=/tmp/fw SRCTREE=$PWD \
#        CROSS_COMPILE=aarch64-linux-gnu- guest-firmware
#
# Builds $(GUEST_FIRMWARE_ARM64) = $(BUILD)/guests/arm64/basic/basic.bin and
# basic.elf next to it. Everything defined here starts with BASIC_ARM64_ or
# GUEST_ so that it cannot collide with Keel's own flags and rules; the
# objects get static pattern rules, which win over the top Makefile's
# $(BUILD)/%.o pattern.

BUILD ?= build
SRCTREE ?= $(CURDIR)

# The firmware is always arm64: take CROSS_COMPILE only if it is an arm64
# one, since the top Makefile may be building Keel for another arch.
BASIC_ARM64_CROSS := $(if $(findstring aarch64,$(CROSS_COMPILE)),$(CROSS_COMPILE),aarch64-linux-gnu-)
BASIC_ARM64_CC := $(BASIC_ARM64_CROSS)gcc
BASIC_ARM64_OBJCOPY := $(BASIC_ARM64_CROSS)objcopy

BASIC_ARM64_SRC := $(SRCTREE)/tests/arm64/virt-v8/basic
BASIC_ARM64_COMMON := $(SRCTREE)/tests/common/basic
BASIC_ARM64_OUT := $(BUILD)/guests/arm64/basic
GUEST_FIRMWARE_ARM64 := $(BASIC_ARM64_OUT)/basic.bin

BASIC_ARM64_ASM_OBJS := $(addprefix $(BASIC_ARM64_OUT)/arch/, \
	start.o vectors.o cache.o lazy_fp.o)
BASIC_ARM64_C_OBJS := $(addprefix $(BASIC_ARM64_OUT)/arch/, \
	main.o gic.o gicv2.o gicv3.o mmu.o pmu.o isolation.o lazy.o)
BASIC_ARM64_COMMON_OBJS := $(addprefix $(BASIC_ARM64_OUT)/common/, \
	main.o printf.o string.o fdt.o memtest.o timing.o smp.o bench.o lazy.o \
	faults.o virtio.o yield.o pc_devices.o finisher.o)
BASIC_ARM64_OBJS := $(BASIC_ARM64_ASM_OBJS) $(BASIC_ARM64_C_OBJS) \
	$(BASIC_ARM64_COMMON_OBJS)

# -mstrict-align: with the MMU off every data access is a Device access,
# and those fault when unaligned. No loop-to-memset conversion: memset is
# itself such a loop.
BASIC_ARM64_CFLAGS := -std=gnu11 -ffreestanding -nostdlib -fno-builtin \
	-mgeneral-regs-only -mstrict-align -mno-outline-atomics -march=armv8-a \
	-O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wmissing-prototypes -Wstrict-prototypes -Wshadow -Wvla \
	-fPIE -fvisibility=hidden -fno-common -fno-stack-protector \
	-fno-tree-loop-distribute-patterns -fno-asynchronous-unwind-tables \
	-fno-unwind-tables -MMD -MP \
	-I$(BASIC_ARM64_COMMON) -I$(BASIC_ARM64_SRC)
# -z notext: the Image header's image_size refers to a linker-script
# symbol from the read-only text; ld resolves it at link time and leaves
# only an R_AARCH64_NONE, which start.S skips. One RWX segment on purpose.
BASIC_ARM64_LDFLAGS := -nostdlib -static-pie -Wl,--no-dynamic-linker \
	-Wl,-z,norelro -Wl,-z,notext -Wl,-z,max-page-size=4096 \
	-Wl,--build-id=none -Wl,--no-warn-rwx-segments \
	-Wl,-T,$(BASIC_ARM64_SRC)/basic.lds

.PHONY: guest-firmware guest-firmware-clean

guest-firmware: $(GUEST_FIRMWARE_ARM64)

$(BASIC_ARM64_COMMON_OBJS): $(BASIC_ARM64_OUT)/common/%.o: $(BASIC_ARM64_COMMON)/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      guests/arm64/basic/common/$*.c")
	$(Q)$(BASIC_ARM64_CC) $(BASIC_ARM64_CFLAGS) -c $< -o $@

$(BASIC_ARM64_C_OBJS): $(BASIC_ARM64_OUT)/arch/%.o: $(BASIC_ARM64_SRC)/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      guests/arm64/basic/$*.c")
	$(Q)$(BASIC_ARM64_CC) $(BASIC_ARM64_CFLAGS) -c $< -o $@

$(BASIC_ARM64_ASM_OBJS): $(BASIC_ARM64_OUT)/arch/%.o: $(BASIC_ARM64_SRC)/%.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      guests/arm64/basic/$*.S")
	$(Q)$(BASIC_ARM64_CC) $(BASIC_ARM64_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

$(BASIC_ARM64_OUT)/basic.elf: $(BASIC_ARM64_OBJS) $(BASIC_ARM64_SRC)/basic.lds
	@$(if $(Q),echo "  LD      guests/arm64/basic/basic.elf")
	$(Q)$(BASIC_ARM64_CC) $(BASIC_ARM64_LDFLAGS) -o $@ $(BASIC_ARM64_OBJS)

$(GUEST_FIRMWARE_ARM64): $(BASIC_ARM64_OUT)/basic.elf
	@$(if $(Q),echo "  OBJCOPY guests/arm64/basic/basic.bin")
	$(Q)$(BASIC_ARM64_OBJCOPY) -O binary $< $@

guest-firmware-clean:
	rm -rf $(BASIC_ARM64_OUT)

-include $(BASIC_ARM64_OBJS:.o=.d)
