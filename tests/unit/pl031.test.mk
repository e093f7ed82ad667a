# SPDX-License-Identifier: GPL-2.0
# The PL031 RTC emulator through its operations, over the fake clock and
# timer queue of the shared fake guest (host/fake_guest.c). test_pl031.c
# #includes the emulator (its operations are reachable only through a
# linker section on Keel).
UNIT_TESTS += pl031
pl031_SRCS := tests/unit/test_pl031.c core/devemu_instance.c \
	tests/unit/host/fake_guest.c \
	tests/unit/host/host_heap.c tests/unit/host/host_string.c \
	tests/unit/host/host_support.c
$(BUILD)/unit/pl031: $(SRCTREE)/emulators/rtc/pl031.c
