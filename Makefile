# SPDX-License-Identifier: GPL-2.0
# Keel top-level Makefile.
#
#   make [ARCH=arm64|riscv64|x86_64] <board>_defconfig  configure ($(O)/.config) for
#                                            boards/<arch>/<board>/ (qemu-virt)
#   make                                     build $(O)/keel.elf and keel.bin
#   make run | debug                         boot in QEMU (debug: wait for gdb)
#   make test                                unit tests, checks, QEMU integration
#   make bench                               boot figures under -icount
#   make host-tools                          install the host tools (Debian)
#   make menuconfig | oldconfig | olddefconfig | savedefconfig
#   make O=<dir> VERBOSE=y                   out-of-tree build, show commands
# Only run, debug, test, bench and host-tools install missing host tools;
# the others stop and say what is missing.

SRCTREE := $(CURDIR)
O ?= build
BUILD := $(abspath $(O))
KCONFIG_CONFIG := $(BUILD)/.config
HOST_PYTHON ?= /usr/bin/python3

ifeq ($(VERBOSE),y)
Q :=
else
Q := @
endif

# The architecture: from the command line, else the one configured, else arm64.
ifeq ($(origin ARCH),undefined)
ARCH := $(shell sed -n 's/^CONFIG_ARCH_NAME="\(.*\)"$$/\1/p' $(KCONFIG_CONFIG) 2>/dev/null)
endif
ifeq ($(ARCH),)
ARCH := arm64
endif

# The board (boards/$(ARCH)/<board>/): the one a <board>_defconfig goal
# names, else the configured one (CONFIG_BOARD), else the default
# configuration's (the arch's qemu-virt board, or its only one). It is the
# configuration's, never a make variable.
DEFCONFIG ?= $(notdir $(firstword $(wildcard boards/$(ARCH)/qemu-virt) \
	$(wildcard boards/$(ARCH)/*)))_defconfig
ifeq ($(origin BOARD),command line)
$(error BOARD comes from the configuration: make <board>_defconfig)
endif
BOARD := $(patsubst %_defconfig,%,$(lastword $(filter %_defconfig,$(MAKECMDGOALS))))
ifeq ($(BOARD),)
BOARD := $(shell sed -n 's/^CONFIG_BOARD="\(.*\)"$$/\1/p' $(KCONFIG_CONFIG) 2>/dev/null)
endif
ifeq ($(BOARD),)
BOARD := $(DEFCONFIG:_defconfig=)
endif
BOARD_DIR := boards/$(ARCH)/$(BOARD)

# ARCH names the target (what CONFIG_ARCH_NAME records, what the tests and
# the banner say); SRCARCH the directory under arch/ that implements it.
SRCARCH := $(if $(filter riscv64,$(ARCH)),riscv,$(ARCH))
ifeq ($(wildcard arch/$(SRCARCH)/arch.mk),)
$(error unknown ARCH "$(ARCH)": no arch/$(SRCARCH)/arch.mk)
endif

# Targets that need no configuration (nor a board) skip reading auto.conf.
NOCONFIG_GOALS := %_defconfig menuconfig oldconfig olddefconfig clean distclean unittest check format help host-tools
CONFIG_GOALS := $(filter-out $(NOCONFIG_GOALS),$(or $(MAKECMDGOALS),all))

# The arch: toolchain and compiler flags. The board: how to run Keel on it
# (QEMU, QEMU_ARGS) and its guests (GUEST_DIR, GUEST_FIRMWARE_MK,
# GUEST_FIRMWARE, RUN_GUESTS, TEST_GUESTS).
include arch/$(SRCARCH)/arch.mk
ifneq ($(wildcard $(BOARD_DIR)/board.mk),)
include $(BOARD_DIR)/board.mk
else ifneq ($(CONFIG_GOALS),)
$(error no board "$(BOARD)" for $(ARCH): no $(BOARD_DIR)/board.mk (boards: $(notdir $(wildcard boards/$(ARCH)/*))))
endif

# CC_WRAPPER runs in front of the compiler (a cache: tools/cc-cache.py).
CC_WRAPPER ?=
CC := $(strip $(CC_WRAPPER) $(CROSS_COMPILE)gcc)
# The compiler's own headers (stddef.h, stdarg.h); asked only of a compiler
# that is there, so that a machine without one gets the host-tools message.
CC_ISYSTEM := $(if $(shell command -v $(CROSS_COMPILE)gcc 2>/dev/null),\
	-isystem $(shell $(CC) -print-file-name=include))
LD := $(CROSS_COMPILE)ld
OBJCOPY := $(CROSS_COMPILE)objcopy
OBJDUMP := $(CROSS_COMPILE)objdump
HOSTCC ?= gcc

AUTOCONF := $(BUILD)/include/generated/autoconf.h
AUTOCONF_MK := $(BUILD)/include/config/auto.conf
HOST_TOOLS_STAMP := $(BUILD)/.host-tools-ok

.DEFAULT_GOAL := all
.PHONY: all run debug test unittest check format bench clean distclean \
	menuconfig oldconfig olddefconfig savedefconfig host-tools integration help

# The host tools (tools/setup-host.sh), checked once per build tree. Only
# these goals install what is missing (apt-get); the others stop with the
# missing packages' names and `make host-tools`.
INSTALL_GOALS := run debug test bench host-tools
HOST_TOOLS_CHECK := $(if $(filter $(INSTALL_GOALS),$(MAKECMDGOALS)),,--check)

# Again whenever the list of packages changes.
$(HOST_TOOLS_STAMP): $(SRCTREE)/tools/setup-host.sh
	$(Q)mkdir -p $(BUILD)
	$(Q)$(SRCTREE)/tools/setup-host.sh $(HOST_TOOLS_CHECK)
	$(Q)touch $@

# A goal that reads auto.conf and does not install checks the tools here,
# before make remakes auto.conf: a failure in that chain would only say
# "No rule to make target .host-tools-ok".
ifneq ($(CONFIG_GOALS),)
ifneq ($(HOST_TOOLS_CHECK),)
ifeq ($(wildcard $(HOST_TOOLS_STAMP)),)
HOST_TOOLS_REPORT := $(shell $(SRCTREE)/tools/setup-host.sh --check 2>&1)
ifneq ($(.SHELLSTATUS),0)
$(error $(HOST_TOOLS_REPORT))
endif
endif
endif
endif

host-tools:
	$(Q)mkdir -p $(BUILD)
	$(Q)$(SRCTREE)/tools/setup-host.sh
	$(Q)touch $(HOST_TOOLS_STAMP)

KCONFIG_ENV := srctree=$(SRCTREE) SRCARCH=$(SRCARCH) KCONFIG_CONFIG=$(KCONFIG_CONFIG) \
	KCONFIG_AUTOHEADER=$(AUTOCONF) KCONFIG_AUTOCONFIG=$(AUTOCONF_MK)
KCONFIG_RUN = cd $(BUILD) && $(KCONFIG_ENV)

# Configure for board $(1): its defconfig, and CONFIG_BOARD naming it (the
# board's directory name is the one place it is written).
define board_defconfig
	$(Q)test -f $(SRCTREE)/boards/$(ARCH)/$(1)/defconfig || { \
		echo "no board \"$(1)\" for $(ARCH): no boards/$(ARCH)/$(1)/defconfig" \
			"(boards: $(notdir $(wildcard $(SRCTREE)/boards/$(ARCH)/*)))"; exit 1; }
	$(Q)mkdir -p $(BUILD)
	$(Q){ cat $(SRCTREE)/boards/$(ARCH)/$(1)/defconfig; \
		echo 'CONFIG_BOARD="$(1)"'; } >$(BUILD)/.board-defconfig
	$(Q)$(KCONFIG_RUN) kconfig-conf --defconfig=$(BUILD)/.board-defconfig $(SRCTREE)/Kconfig
endef

%_defconfig: $(HOST_TOOLS_STAMP)
	$(call board_defconfig,$*)

menuconfig: $(HOST_TOOLS_STAMP)
	$(Q)$(KCONFIG_RUN) kconfig-mconf $(SRCTREE)/Kconfig

oldconfig: $(HOST_TOOLS_STAMP)
	$(Q)$(KCONFIG_RUN) kconfig-conf --oldconfig $(SRCTREE)/Kconfig

olddefconfig: $(HOST_TOOLS_STAMP)
	$(Q)$(KCONFIG_RUN) kconfig-conf --olddefconfig $(SRCTREE)/Kconfig

savedefconfig: $(KCONFIG_CONFIG)
	$(Q)$(KCONFIG_RUN) kconfig-conf --savedefconfig=$(BUILD)/defconfig $(SRCTREE)/Kconfig
	@echo "wrote $(BUILD)/defconfig"

# Without a configuration, build the default one for ARCH.
$(KCONFIG_CONFIG): | $(HOST_TOOLS_STAMP)
	@echo "  CONFIG  $(ARCH) $(BOARD)_defconfig (no $(KCONFIG_CONFIG) yet)"
	$(call board_defconfig,$(BOARD))

$(AUTOCONF) $(AUTOCONF_MK): $(KCONFIG_CONFIG) $(shell find $(SRCTREE) -name Kconfig -not -path '$(BUILD)/*')
	$(Q)mkdir -p $(BUILD)/include/generated $(BUILD)/include/config
	@# New options in Kconfig take their defaults instead of asking.
	$(Q)$(KCONFIG_RUN) kconfig-conf --olddefconfig $(SRCTREE)/Kconfig >/dev/null
	$(Q)$(KCONFIG_RUN) kconfig-conf --silentoldconfig $(SRCTREE)/Kconfig
	$(Q)touch $(AUTOCONF) $(AUTOCONF_MK)

ifneq ($(CONFIG_GOALS),)
-include $(AUTOCONF_MK)
endif

obj-y :=
include arch/$(SRCARCH)/build.mk
include core/build.mk
include libs/build.mk
include drivers/build.mk
include emulators/build.mk

# Sorted: objects two options both need are listed once.
OBJS := $(addprefix $(BUILD)/,$(sort $(obj-y)))
DEPS := $(OBJS:.o=.d)

CFLAGS := -std=gnu11 -ffreestanding -fno-builtin -nostdinc -fno-common \
	-fno-stack-protector -fPIE -O2 -g -Wall -Wextra -Werror \
	-Wno-unused-parameter -Wmissing-prototypes -Wstrict-prototypes \
	-Wshadow -Wvla -MMD -MP \
	-include $(AUTOCONF) -I$(SRCTREE)/include -I$(SRCTREE)/arch/$(SRCARCH)/include \
	$(CC_ISYSTEM) $(ARCH_CFLAGS)
ASFLAGS := $(CFLAGS) -D__ASSEMBLY__
LDFLAGS := -pie --no-dynamic-linker -z norelro -z max-page-size=4096 --build-id=none \
	-nostdlib $(ARCH_LDFLAGS)

all: $(BUILD)/keel.bin $(BUILD)/bundle.cpio $(BUILD)/test-bundle.cpio

# ---- guests: test firmware, descriptions, boot bundles ----
include $(GUEST_FIRMWARE_MK)

$(BUILD)/guests/%.dtb: $(SRCTREE)/$(GUEST_DIR)/%.dts
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  DTC     $*.dtb")
	$(Q)dtc -q -i $(dir $@) -I dts -O dtb -o $@ $<

# Files only refused descriptions use: a kernel that holds nothing, an
# Image header, and the padding that makes bad/huge-dt's device tree larger than 2 MiB.
$(BUILD)/guests/empty.bin:
	@mkdir -p $(dir $@)
	$(Q): >$@

# The 64-byte header of a Linux Image (image_size 64 KiB, text_offset 0,
# the arch's magic at byte 56) and nothing else: what a description that
# places an Image on RAM not 2 MiB-aligned is refused for.
$(BUILD)/guests/image-header.bin:
	@mkdir -p $(dir $@)
	$(Q){ head -c 16 /dev/zero; printf '\000\000\001\000\000\000\000\000'; \
		head -c 32 /dev/zero; printf '$(LINUX_IMAGE_MAGIC)'; \
		head -c 4 /dev/zero; } >$@

# The virtio-blk test disk (tests/common/basic/virtio.c checks it): 1 MiB,
# sector s holding "KEELVDSK" and s in 8 hex digits, then 496 bytes of s's
# low byte.
$(BUILD)/guests/vdisk.img:
	@mkdir -p $(dir $@)
	$(Q)perl -e 'for $$s (0..2047) { printf "KEELVDSK%08x", $$s; print chr($$s & 255) x 496 }' >$@

$(BUILD)/guests/bad/huge-dt.pad:
	@mkdir -p $(dir $@)
	$(Q)head -c 2101248 /dev/zero >$@

$(BUILD)/guests/bad/huge-dt.dtb: $(BUILD)/guests/bad/huge-dt.pad

bundle_dtbs = $(addprefix $(BUILD)/guests/,$(addsuffix .dtb,$(1)))
all: $(call bundle_dtbs,$(OWN_BUNDLE_GUESTS))
# An arch with no guest files yet still gets an archive: the trailer alone.
make_bundle = $(if $(2),$(SRCTREE)/tools/make-bundle.sh $(1) $(2),\
	cpio -o -H newc --quiet -R 0:0 </dev/null >$(1))

# What `make run` boots: the firmware and the guests that start with it.
$(BUILD)/bundle.cpio: $(GUEST_FIRMWARE) $(call bundle_dtbs,$(RUN_GUESTS))
	@$(if $(Q),echo "  BUNDLE  bundle.cpio")
	$(Q)$(call make_bundle,$@,$^)

# What the integration tests boot: also guests made to be refused.
$(BUILD)/test-bundle.cpio: $(GUEST_FIRMWARE) $(call bundle_dtbs,$(TEST_GUESTS)) \
		$(BUILD)/guests/empty.bin $(BUILD)/guests/image-header.bin \
		$(BUILD)/guests/vdisk.img
	@$(if $(Q),echo "  BUNDLE  test-bundle.cpio")
	$(Q)$(call make_bundle,$@,$^)

# The board's standard guest machine, built into Keel for `guest new`.
$(BUILD)/guest-machine.dtb: $(SRCTREE)/$(BOARD_DIR)/guest-machine.dts
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  DTC     guest-machine.dtb")
	$(Q)dtc -q -I dts -O dtb -o $@ $<

$(BUILD)/core/guest_machine.o: $(BUILD)/guest-machine.dtb
$(BUILD)/core/guest_machine.o: ASFLAGS += -DGUEST_MACHINE_DTB='"$(BUILD)/guest-machine.dtb"'

$(BUILD)/%.o: $(SRCTREE)/%.c $(AUTOCONF)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $*.c")
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/%.o: $(SRCTREE)/%.S $(AUTOCONF)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $*.S")
	$(Q)$(CC) $(ASFLAGS) -c $< -o $@

$(BUILD)/keel.lds: $(SRCTREE)/core/keel.lds.S $(AUTOCONF) \
		$(wildcard $(SRCTREE)/arch/$(SRCARCH)/include/asm/lds.h)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ASFLAGS) -E -P -x assembler-with-cpp $< -o $@

$(BUILD)/keel.elf: $(OBJS) $(BUILD)/keel.lds
	@$(if $(Q),echo "  LD      keel.elf")
	$(Q)$(LD) $(LDFLAGS) -T $(BUILD)/keel.lds -o $@ $(OBJS)

$(BUILD)/keel.bin: $(BUILD)/keel.elf
	@$(if $(Q),echo "  OBJCOPY keel.bin")
	$(Q)$(OBJCOPY) -O binary $< $@

-include $(DEPS)

# ---- running ----
QEMU_SMP ?= 4
QEMU_MEM ?= 512
QEMU_EXTRA ?=
# The boot bundle QEMU hands Keel as its initrd.
BUNDLE ?= $(BUILD)/bundle.cpio

run: $(HOST_TOOLS_STAMP) all
	$(QEMU) $(QEMU_ARGS) -initrd $(BUNDLE) -smp $(QEMU_SMP) \
		-m $(QEMU_MEM) -nographic $(QEMU_EXTRA)

debug: $(HOST_TOOLS_STAMP) all
	@echo "QEMU waits for gdb on :1234: gdb-multiarch $(BUILD)/keel.elf -ex 'target remote :1234'"
	$(QEMU) $(QEMU_ARGS) -initrd $(BUNDLE) -smp $(QEMU_SMP) \
		-m $(QEMU_MEM) -nographic -s -S $(QEMU_EXTRA)

# ---- tests ----
include tests/unit/build.mk

CHECK_SRCS = $(shell cd $(SRCTREE) && git ls-files '*.c' '*.h' 2>/dev/null || \
	find arch core drivers emulators libs include tests -name '*.[ch]')

check:
	@echo "  CHECK   clang-format"
	$(Q)cd $(SRCTREE) && clang-format --dry-run --Werror $(CHECK_SRCS)
	@echo "  CHECK   cppcheck"
	$(Q)cd $(SRCTREE) && cppcheck -q --error-exitcode=1 --inline-suppr \
		--enable=warning,performance,portability --std=c11 \
		--suppress=missingIncludeSystem -D__GNUC__ -I include \
		arch core drivers emulators libs tests/unit

format:
	$(Q)cd $(SRCTREE) && clang-format -i $(CHECK_SRCS)

integration: all
	$(Q)cd $(SRCTREE) && KEEL_BUILD=$(BUILD) KEEL_ARCH=$(ARCH) \
		$(HOST_PYTHON) -m pytest -p no:cacheprovider tests/integration $(PYTEST_ARGS)

# Every architecture: the others first, each in its own tree next to this
# one ($(O)-<arch>, configured with its defconfig), then this one.
# KEEL_TEST_ALL_ARCHES tells tests that check arch-independent behaviour
# with full builds to run on one arch only (tests/integration/test_build.py).
TEST_ARCHES := arm64 riscv64 x86_64
OTHER_TEST_ARCHES := $(filter-out $(ARCH),$(TEST_ARCHES))

test: $(HOST_TOOLS_STAMP)
	$(Q)$(MAKE) --no-print-directory unittest
	$(Q)$(MAKE) --no-print-directory check
	$(Q)$(MAKE) --no-print-directory all
	$(Q)set -e; for a in $(OTHER_TEST_ARCHES); do \
		echo "  TEST    $$a (in $(O)-$$a)"; \
		KEEL_TEST_ALL_ARCHES=1 $(MAKE) --no-print-directory ARCH=$$a \
			O=$(O)-$$a integration; \
	done
	$(Q)KEEL_TEST_ALL_ARCHES=1 $(MAKE) --no-print-directory integration

# BENCH_ARGS=--smoke: every operation a few times, no figures kept (what
# tests/integration/test_bench_smoke.py runs in make test).
BENCH_ARGS ?=
bench: $(HOST_TOOLS_STAMP) all
	$(Q)cd $(SRCTREE) && KEEL_BUILD=$(BUILD) KEEL_ARCH=$(ARCH) \
		$(HOST_PYTHON) tools/bench-boot.py $(BENCH_ARGS)
	$(Q)cd $(SRCTREE) && KEEL_BUILD=$(BUILD) KEEL_ARCH=$(ARCH) \
		$(HOST_PYTHON) tools/bench-guest.py $(BENCH_ARGS)
	$(Q)cd $(SRCTREE) && KEEL_BUILD=$(BUILD) KEEL_ARCH=$(ARCH) \
		$(HOST_PYTHON) tools/bench-linux.py $(BENCH_ARGS)
	$(Q)cd $(SRCTREE) && KEEL_BUILD=$(BUILD) KEEL_ARCH=$(ARCH) \
		$(HOST_PYTHON) tools/bench-virtio.py $(BENCH_ARGS)
	$(Q)cd $(SRCTREE) && KEEL_BUILD=$(BUILD) KEEL_ARCH=$(ARCH) \
		$(HOST_PYTHON) tools/bench-scale.py $(BENCH_ARGS)

clean:
	rm -rf $(BUILD)/arch $(BUILD)/core $(BUILD)/libs $(BUILD)/drivers \
		$(BUILD)/emulators $(BUILD)/unit $(BUILD)/keel.*

distclean:
	rm -rf $(BUILD)

help:
	@sed -n '2,15p' Makefile | sed 's/^# \{0,1\}//'
