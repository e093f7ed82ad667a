# SPDX-License-Identifier: GPL-2.0
# The virtual PLIC through its emulator operations and the guest_irqchip
# it registers, on the shared fake guest (host/fake_guest.c) with up to
# eight vCPUs. test_plic.c #includes the emulator (its operations are
# reachable only through a linker section on Keel).
UNIT_TESTS += plic
plic_SRCS := tests/unit/test_plic.c core/devemu_instance.c \
	tests/unit/host/fake_guest.c \
	tests/unit/host/host_heap.c tests/unit/host/host_string.c \
	tests/unit/host/host_support.c
$(BUILD)/unit/plic: $(SRCTREE)/emulators/irqchip/plic.c
