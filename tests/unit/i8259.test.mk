# SPDX-License-Identifier: GPL-2.0
# The 8259A interrupt controller pair emulator through its operations and
# as a guest interrupt controller, on the shared fake guest.
UNIT_TESTS += i8259
i8259_SRCS := tests/unit/test_i8259.c emulators/irqchip/i8259.c \
	core/devemu_instance.c core/devemu_registry.c \
	tests/unit/host/fake_guest.c tests/unit/host/host_heap.c \
	tests/unit/host/host_string.c tests/unit/host/host_support.c
i8259_LDLIBS := -Wl,-T,$(SRCTREE)/tests/unit/host/keel_tables.ld
$(BUILD)/unit/i8259: $(SRCTREE)/tests/unit/host/keel_tables.ld
