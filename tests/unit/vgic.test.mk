# SPDX-License-Identifier: GPL-2.0
# The virtual GICv3 through its emulator operations, its guest_irqchip and
# the list-register calls, on the shared fake guest (host/fake_guest.c)
# with up to four vCPUs. It finds the emulator by its compatible string
# (core/devemu_registry.c) in the table host/keel_tables.ld lays out.
UNIT_TESTS += vgic
vgic_SRCS := tests/unit/test_vgic.c emulators/irqchip/vgic-v3.c \
	emulators/irqchip/vgic-model.c core/devemu_instance.c \
	core/devemu_registry.c \
	tests/unit/host/fake_guest.c \
	tests/unit/host/host_heap.c tests/unit/host/host_string.c \
	tests/unit/host/host_support.c
vgic_LDLIBS := -Wl,-T,$(SRCTREE)/tests/unit/host/keel_tables.ld
$(BUILD)/unit/vgic: $(SRCTREE)/tests/unit/host/keel_tables.ld
