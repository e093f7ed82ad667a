# SPDX-License-Identifier: GPL-2.0
# The SiFive test finisher emulator: which writes power off or reset.
UNIT_TESTS += sifive_test
sifive_test_SRCS := tests/unit/test_sifive_test.c emulators/misc/sifive_test.c \
	core/devemu_instance.c core/devemu_registry.c \
	tests/unit/host/fake_guest.c tests/unit/host/host_heap.c \
	tests/unit/host/host_string.c tests/unit/host/host_support.c
sifive_test_LDLIBS := -Wl,-T,$(SRCTREE)/tests/unit/host/keel_tables.ld
$(BUILD)/unit/sifive_test: $(SRCTREE)/tests/unit/host/keel_tables.ld
