# SPDX-License-Identifier: GPL-2.0
# The x86 local APICs emulator through its operations (banked by the
# accessing vCPU), as the guest's interrupt controller, and through the
# calls of keel/vlapic.h, on the shared fake guest.
UNIT_TESTS += lapic
lapic_SRCS := tests/unit/test_lapic.c emulators/irqchip/lapic.c \
	core/devemu_instance.c core/devemu_registry.c \
	tests/unit/host/fake_guest.c tests/unit/host/host_heap.c \
	tests/unit/host/host_string.c tests/unit/host/host_support.c
lapic_LDLIBS := -Wl,-T,$(SRCTREE)/tests/unit/host/keel_tables.ld
$(BUILD)/unit/lapic: $(SRCTREE)/tests/unit/host/keel_tables.ld
