# SPDX-License-Identifier: GPL-2.0
# The MC146818 RTC and CMOS RAM emulator through its operations, over the
# shared fake guest's clock and timer queue, against gmtime_r().
UNIT_TESTS += mc146818
mc146818_SRCS := tests/unit/test_mc146818.c emulators/rtc/mc146818.c \
	core/devemu_instance.c core/devemu_registry.c \
	tests/unit/host/fake_guest.c tests/unit/host/host_heap.c \
	tests/unit/host/host_string.c tests/unit/host/host_support.c
mc146818_LDLIBS := -Wl,-T,$(SRCTREE)/tests/unit/host/keel_tables.ld
$(BUILD)/unit/mc146818: $(SRCTREE)/tests/unit/host/keel_tables.ld
