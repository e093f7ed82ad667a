# SPDX-License-Identifier: GPL-2.0
# The Intel 8254 interval timer emulator through its operations, over the
# shared fake guest's clock and timer queue.
UNIT_TESTS += i8254
i8254_SRCS := tests/unit/test_i8254.c emulators/timer/i8254.c \
	core/devemu_instance.c core/devemu_registry.c \
	tests/unit/host/fake_guest.c tests/unit/host/host_heap.c \
	tests/unit/host/host_string.c tests/unit/host/host_support.c
i8254_LDLIBS := -Wl,-T,$(SRCTREE)/tests/unit/host/keel_tables.ld
$(BUILD)/unit/i8254: $(SRCTREE)/tests/unit/host/keel_tables.ld
