# SPDX-License-Identifier: GPL-2.0
# The goldfish RTC emulator through its operations, over the fake clock
# and timer queue of the shared fake guest (host/fake_guest.c).
# test_goldfish_rtc.c #includes the emulator (its operations are reachable
# only through a linker section on Keel).
UNIT_TESTS += goldfish_rtc
goldfish_rtc_SRCS := tests/unit/test_goldfish_rtc.c \
	core/devemu_instance.c tests/unit/host/fake_guest.c tests/unit/host/host_heap.c \
	tests/unit/host/host_string.c tests/unit/host/host_support.c
$(BUILD)/unit/goldfish_rtc: $(SRCTREE)/emulators/rtc/goldfish.c
