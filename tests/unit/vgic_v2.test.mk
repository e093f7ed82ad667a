# SPDX-License-Identifier: GPL-2.0
# The virtual GICv2 distributor through its emulator operations, its
# guest_irqchip and the list-register calls, on the shared fake guest
# (host/fake_guest.c) with up to eight vCPUs. The test provides what the
# front end asks of the rest of Keel: the accessing vCPU, the host's GICV
# frame and the mapping of it into the guest. It finds the emulator by
# its compatible string (core/devemu_registry.c) in the table
# host/keel_tables.ld lays out.
UNIT_TESTS += vgic_v2
vgic_v2_SRCS := tests/unit/test_vgic_v2.c emulators/irqchip/vgic-v2.c \
	emulators/irqchip/vgic-model.c core/devemu_instance.c \
	core/devemu_registry.c \
	tests/unit/host/fake_guest.c \
	tests/unit/host/host_heap.c tests/unit/host/host_string.c \
	tests/unit/host/host_support.c
vgic_v2_LDLIBS := -Wl,-T,$(SRCTREE)/tests/unit/host/keel_tables.ld
$(BUILD)/unit/vgic_v2: $(SRCTREE)/tests/unit/host/keel_tables.ld
