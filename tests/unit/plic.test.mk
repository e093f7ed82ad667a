# SPDX-License-Identifier: GPL-2.0
# The virtual PLIC through its emulator operations and the guest_irqchip
# it registers, on the shared fake guest (host/fake_guest.c) with up to
# eight vCPUs. It finds the emulator by its compatible string
# (core/devemu_registry.c) in the table host/keel_tables.ld lays out.
UNIT_TESTS += plic
plic_SRCS := tests/unit/test_plic.c emulators/irqchip/plic.c \
	core/devemu_instance.c core/devemu_registry.c \
	tests/unit/host/fake_guest.c \
	tests/unit/host/host_heap.c tests/unit/host/host_string.c \
	tests/unit/host/host_support.c
plic_LDLIBS := -Wl,-T,$(SRCTREE)/tests/unit/host/keel_tables.ld
$(BUILD)/unit/plic: $(SRCTREE)/tests/unit/host/keel_tables.ld
