# SPDX-License-Identifier: GPL-2.0
# Keel top-level Makefile.
#
#   make [ARCH=arm64|riscv64] qemu-virt_defconfig  configure ($(O)/.config)
#   make                                     build $(O)/keel.elf and keel.bin
#   make run | debug                         boot in QEMU (debug: wait for gdb)
#   make test                                unit tests, checks, QEMU integration
#   make bench                               boot figures under -icount
#   make menuconfig | oldconfig | olddefconfig | savedefconfig
#   make O=<dir> VERBOSE=y                   out-of-tree build, show commands

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
DEFCONFIG ?= qemu-virt_defconfig

# ARCH names the target (what CONFIG_ARCH_NAME records, what the tests and
# the banner say); SRCARCH the directory under arch/ that implements it.
SRCARCH := $(if $(filter riscv64,$(ARCH)),riscv,$(ARCH))
ifeq ($(wildcard arch/$(SRCARCH)/arch.mk),)
$(error unknown ARCH "$(ARCH)": no arch/$(SRCARCH)/arch.mk)
endif

include arch/$(SRCARCH)/arch.mk

# CC_WRAPPER runs in front of the compiler (a cache: tools/cc-cache.py).
CC_WRAPPER ?=
CC := $(strip $(CC_WRAPPER) $(CROSS_COMPILE)gcc)
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

# Check (and, where missing, install) the host tools once per build tree.
$(HOST_TOOLS_STAMP):
	$(Q)mkdir -p $(BUILD)
	$(Q)$(SRCTREE)/tools/setup-host.sh
	$(Q)touch $@

host-tools: $(HOST_TOOLS_STAMP)

KCONFIG_ENV := srctree=$(SRCTREE) SRCARCH=$(SRCARCH) KCONFIG_CONFIG=$(KCONFIG_CONFIG) \
	KCONFIG_AUTOHEADER=$(AUTOCONF) KCONFIG_AUTOCONFIG=$(AUTOCONF_MK)
KCONFIG_RUN = cd $(BUILD) && $(KCONFIG_ENV)

%_defconfig: $(HOST_TOOLS_STAMP)
	$(Q)test -f arch/$(SRCARCH)/configs/$@ || { echo "no such config: arch/$(SRCARCH)/configs/$@"; exit 1; }
	$(Q)$(KCONFIG_RUN) kconfig-conf --defconfig=$(SRCTREE)/arch/$(SRCARCH)/configs/$@ $(SRCTREE)/Kconfig

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
	@echo "  CONFIG  $(ARCH) $(DEFCONFIG) (no $(KCONFIG_CONFIG) yet)"
	$(Q)$(KCONFIG_RUN) kconfig-conf --defconfig=$(SRCTREE)/arch/$(SRCARCH)/configs/$(DEFCONFIG) $(SRCTREE)/Kconfig

$(AUTOCONF) $(AUTOCONF_MK): $(KCONFIG_CONFIG) $(shell find $(SRCTREE) -name Kconfig -not -path '$(BUILD)/*')
	$(Q)mkdir -p $(BUILD)/include/generated $(BUILD)/include/config
	@# New options in Kconfig take their defaults instead of asking.
	$(Q)$(KCONFIG_RUN) kconfig-conf --olddefconfig $(SRCTREE)/Kconfig >/dev/null
	$(Q)$(KCONFIG_RUN) kconfig-conf --silentoldconfig $(SRCTREE)/Kconfig
	$(Q)touch $(AUTOCONF) $(AUTOCONF_MK)

# Targets that need no configuration skip reading auto.conf.
NOCONFIG_GOALS := %_defconfig menuconfig oldconfig olddefconfig clean distclean unittest check format help host-tools
ifneq ($(filter-out $(NOCONFIG_GOALS),$(or $(MAKECMDGOALS),all)),)
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
	-isystem $(shell $(CC) -print-file-name=include) $(ARCH_CFLAGS)
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

# Files only refused descriptions use: a kernel that holds nothing, and
# the padding that makes bad/huge-dt's device tree larger than 2 MiB.
$(BUILD)/guests/empty.bin:
	@mkdir -p $(dir $@)
	$(Q): >$@

$(BUILD)/guests/bad/huge-dt.pad:
	@mkdir -p $(dir $@)
	$(Q)head -c 2101248 /dev/zero >$@

$(BUILD)/guests/bad/huge-dt.dtb: $(BUILD)/guests/bad/huge-dt.pad

bundle_dtbs = $(addprefix $(BUILD)/guests/,$(addsuffix .dtb,$(1)))
# An arch with no guest files yet still gets an archive: the trailer alone.
make_bundle = $(if $(2),$(SRCTREE)/tools/make-bundle.sh $(1) $(2),\
	cpio -o -H newc --quiet -R 0:0 </dev/null >$(1))

# What `make run` boots: the firmware and the guests that start with it.
$(BUILD)/bundle.cpio: $(GUEST_FIRMWARE) $(call bundle_dtbs,$(RUN_GUESTS))
	@$(if $(Q),echo "  BUNDLE  bundle.cpio")
	$(Q)$(call make_bundle,$@,$^)

# What the integration tests boot: also guests made to be refused.
$(BUILD)/test-bundle.cpio: $(GUEST_FIRMWARE) $(call bundle_dtbs,$(TEST_GUESTS)) \
		$(BUILD)/guests/empty.bin
	@$(if $(Q),echo "  BUNDLE  test-bundle.cpio")
	$(Q)$(call make_bundle,$@,$^)

$(BUILD)/%.o: $(SRCTREE)/%.c $(AUTOCONF)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $*.c")
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/%.o: $(SRCTREE)/%.S $(AUTOCONF)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $*.S")
	$(Q)$(CC) $(ASFLAGS) -c $< -o $@

$(BUILD)/keel.lds: $(SRCTREE)/core/keel.lds.S $(AUTOCONF)
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

run: all
	$(QEMU) $(QEMU_ARGS) -initrd $(BUNDLE) -smp $(QEMU_SMP) \
		-m $(QEMU_MEM) -nographic $(QEMU_EXTRA)

debug: all
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
TEST_ARCHES := arm64 riscv64
OTHER_TEST_ARCHES := $(filter-out $(ARCH),$(TEST_ARCHES))

test: $(HOST_TOOLS_STAMP)
	$(Q)$(MAKE) --no-print-directory unittest
	$(Q)$(MAKE) --no-print-directory check
	$(Q)$(MAKE) --no-print-directory all
	$(Q)set -e; for a in $(OTHER_TEST_ARCHES); do \
		echo "  TEST    $$a (in $(O)-$$a)"; \
		$(MAKE) --no-print-directory ARCH=$$a O=$(O)-$$a integration; \
	done
	$(Q)$(MAKE) --no-print-directory integration

# BENCH_ARGS=--smoke: every operation a few times, no figures kept (what
# tests/integration/test_bench_smoke.py runs in make test).
BENCH_ARGS ?=
bench: all
	$(Q)cd $(SRCTREE) && KEEL_BUILD=$(BUILD) KEEL_ARCH=$(ARCH) \
		$(HOST_PYTHON) tools/bench-boot.py $(BENCH_ARGS)
	$(Q)cd $(SRCTREE) && KEEL_BUILD=$(BUILD) KEEL_ARCH=$(ARCH) \
		$(HOST_PYTHON) tools/bench-guest.py $(BENCH_ARGS)
	$(Q)cd $(SRCTREE) && KEEL_BUILD=$(BUILD) KEEL_ARCH=$(ARCH) \
		$(HOST_PYTHON) tools/bench-linux.py $(BENCH_ARGS)

clean:
	rm -rf $(BUILD)/arch $(BUILD)/core $(BUILD)/libs $(BUILD)/drivers \
		$(BUILD)/emulators $(BUILD)/unit $(BUILD)/keel.*

distclean:
	rm -rf $(BUILD)

help:
	@sed -n '2,12p' Makefile | sed 's/^# \{0,1\}//'
