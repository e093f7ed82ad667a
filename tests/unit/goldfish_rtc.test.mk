# SPDX-License-Identifier: GPL-2.0
# The goldfish RTC emulator through its operations, over the fake clock
# and timer queue of the shared fake guest (host/fake_guest.c). The test
# finds the emulator by its compatible string (core/devemu_registry.c) in
# the table host/keel_tables.ld lays out.
UNIT_TESTS += goldfish_rtc
goldfish_rtc_SRCS := tests/unit/test_goldfish_rtc.c emulators/rtc/goldfish.c \
	core/devemu_instance.c core/devemu_registry.c \
	tests/unit/host/fake_guest.c tests/unit/host/host_heap.c \
	tests/unit/host/host_string.c tests/unit/host/host_support.c
goldfish_rtc_LDLIBS := -Wl,-T,$(SRCTREE)/tests/unit/host/keel_tables.ld
$(BUILD)/unit/goldfish_rtc: $(SRCTREE)/tests/unit/host/keel_tables.ld
