# SPDX-License-Identifier: GPL-2.0
# The I/O APIC emulator through its operations and the calls the local
# APICs make into it (faked in the test), on the shared fake guest.
UNIT_TESTS += ioapic
ioapic_SRCS := tests/unit/test_ioapic.c emulators/irqchip/ioapic.c \
	core/devemu_instance.c core/devemu_registry.c \
	tests/unit/host/fake_guest.c tests/unit/host/host_heap.c \
	tests/unit/host/host_string.c tests/unit/host/host_support.c
ioapic_LDLIBS := -Wl,-T,$(SRCTREE)/tests/unit/host/keel_tables.ld
$(BUILD)/unit/ioapic: $(SRCTREE)/tests/unit/host/keel_tables.ld
