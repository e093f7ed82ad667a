# SPDX-License-Identifier: GPL-2.0
# The PL031 RTC emulator through its operations, over the fake clock and
# timer queue of the shared fake guest (host/fake_guest.c). The test finds
# the emulator by its compatible string (core/devemu_registry.c) in the
# table host/keel_tables.ld lays out.
UNIT_TESTS += pl031
pl031_SRCS := tests/unit/test_pl031.c emulators/rtc/pl031.c \
	core/devemu_instance.c core/devemu_registry.c \
	tests/unit/host/fake_guest.c \
	tests/unit/host/host_heap.c tests/unit/host/host_string.c \
	tests/unit/host/host_support.c
pl031_LDLIBS := -Wl,-T,$(SRCTREE)/tests/unit/host/keel_tables.ld
$(BUILD)/unit/pl031: $(SRCTREE)/tests/unit/host/keel_tables.ld
