# SPDX-License-Identifier: GPL-2.0
# The virtual GICv3 through its emulator operations, its guest_irqchip and
# the list-register calls, on the shared fake guest (host/fake_guest.c)
# with up to four vCPUs.
# test_vgic.c #includes the emulator (its operations are reachable only
# through a linker section on Keel).
UNIT_TESTS += vgic
vgic_SRCS := tests/unit/test_vgic.c emulators/irqchip/vgic-model.c \
	core/devemu_instance.c tests/unit/host/fake_guest.c \
	tests/unit/host/host_heap.c tests/unit/host/host_string.c \
	tests/unit/host/host_support.c
$(BUILD)/unit/vgic: $(SRCTREE)/emulators/irqchip/vgic-v3.c \
	$(SRCTREE)/emulators/irqchip/vgic-model.h
