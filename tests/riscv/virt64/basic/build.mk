# SPDX-License-Identifier: GPL-2.0
# The riscv64 basic test firmware: a guest program, not part of Keel.
#
# Included by the top Makefile, or on its own:
#   make -f tests/riscv/virt64/basic/build.mk BUILD=/tmp/fw-rv SRCTREE=$PWD \
#        CROSS_COMPILE=riscv64-linux-gnu- guest-firmware
#
# Builds $(GUEST_FIRMWARE_RISCV) = $(BUILD)/guests/riscv/basic/basic.bin
# and basic.elf next to it. Everything defined here starts with
# BASIC_RISCV_ or GUEST_ so that it cannot collide with Keel's own flags
# and rules, nor with the arm64 firmware's build.mk when a Makefile
# includes both; the objects get static pattern rules, which win over
# the top Makefile's $(BUILD)/%.o pattern.

BUILD ?= build
SRCTREE ?= $(CURDIR)

# The firmware is always riscv64: take CROSS_COMPILE only if it is a
# riscv64 one, since the top Makefile may be building Keel for another
# arch.
BASIC_RISCV_CROSS := $(if $(findstring riscv64,$(CROSS_COMPILE)),$(CROSS_COMPILE),riscv64-linux-gnu-)
BASIC_RISCV_CC := $(BASIC_RISCV_CROSS)gcc
BASIC_RISCV_OBJCOPY := $(BASIC_RISCV_CROSS)objcopy

BASIC_RISCV_SRC := $(SRCTREE)/tests/riscv/virt64/basic
BASIC_RISCV_COMMON := $(SRCTREE)/tests/common/basic
BASIC_RISCV_OUT := $(BUILD)/guests/riscv/basic
GUEST_FIRMWARE_RISCV := $(BASIC_RISCV_OUT)/basic.bin

BASIC_RISCV_ASM_OBJS := $(addprefix $(BASIC_RISCV_OUT)/arch/, \
	start.o trap.o fpu.o lazy_stvec.o mmio_forms.o)
BASIC_RISCV_C_OBJS := $(addprefix $(BASIC_RISCV_OUT)/arch/, \
	main.o plic.o mmu.o sbi_conf.o lazy.o)
BASIC_RISCV_COMMON_OBJS := $(addprefix $(BASIC_RISCV_OUT)/common/, \
	main.o printf.o string.o fdt.o memtest.o timing.o smp.o bench.o lazy.o \
	faults.o virtio.o yield.o pc_devices.o finisher.o)
BASIC_RISCV_OBJS := $(BASIC_RISCV_ASM_OBJS) $(BASIC_RISCV_C_OBJS) \
	$(BASIC_RISCV_COMMON_OBJS)

# rv64imac: no FP state to manage. medany: PC-relative addressing that
# works at any load address. No loop-to-memset conversion: memset is
# itself such a loop.
BASIC_RISCV_CFLAGS := -std=gnu11 -ffreestanding -nostdlib -fno-builtin \
	-march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany \
	-O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wmissing-prototypes -Wstrict-prototypes -Wshadow -Wvla \
	-fPIE -fvisibility=hidden -fno-common -fno-stack-protector \
	-fno-tree-loop-distribute-patterns -fno-asynchronous-unwind-tables \
	-fno-unwind-tables -MMD -MP \
	-I$(BASIC_RISCV_COMMON) -I$(BASIC_RISCV_SRC)
BASIC_RISCV_LDFLAGS := -nostdlib -static-pie -Wl,--no-dynamic-linker \
	-Wl,-z,norelro -Wl,-z,max-page-size=4096 -Wl,--build-id=none \
	-Wl,--no-warn-rwx-segments -Wl,-T,$(BASIC_RISCV_SRC)/basic.lds

.PHONY: guest-firmware guest-firmware-clean guest-firmware-clean-riscv

guest-firmware: $(GUEST_FIRMWARE_RISCV)

$(BASIC_RISCV_COMMON_OBJS): $(BASIC_RISCV_OUT)/common/%.o: $(BASIC_RISCV_COMMON)/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      guests/riscv/basic/common/$*.c")
	$(Q)$(BASIC_RISCV_CC) $(BASIC_RISCV_CFLAGS) -c $< -o $@

$(BASIC_RISCV_C_OBJS): $(BASIC_RISCV_OUT)/arch/%.o: $(BASIC_RISCV_SRC)/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      guests/riscv/basic/$*.c")
	$(Q)$(BASIC_RISCV_CC) $(BASIC_RISCV_CFLAGS) -c $< -o $@

$(BASIC_RISCV_ASM_OBJS): $(BASIC_RISCV_OUT)/arch/%.o: $(BASIC_RISCV_SRC)/%.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      guests/riscv/basic/$*.S")
	$(Q)$(BASIC_RISCV_CC) $(BASIC_RISCV_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

$(BASIC_RISCV_OUT)/basic.elf: $(BASIC_RISCV_OBJS) $(BASIC_RISCV_SRC)/basic.lds
	@$(if $(Q),echo "  LD      guests/riscv/basic/basic.elf")
	$(Q)$(BASIC_RISCV_CC) $(BASIC_RISCV_LDFLAGS) -o $@ $(BASIC_RISCV_OBJS)

$(GUEST_FIRMWARE_RISCV): $(BASIC_RISCV_OUT)/basic.elf
	@$(if $(Q),echo "  OBJCOPY guests/riscv/basic/basic.bin")
	$(Q)$(BASIC_RISCV_OBJCOPY) -O binary $< $@

# A prerequisite rather than a recipe: the arm64 build.mk has the recipe.
guest-firmware-clean: guest-firmware-clean-riscv

guest-firmware-clean-riscv:
	rm -rf $(BASIC_RISCV_OUT)

-include $(BASIC_RISCV_OBJS:.o=.d)
