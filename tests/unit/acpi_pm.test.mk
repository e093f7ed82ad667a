# SPDX-License-Identifier: GPL-2.0
# The ACPI fixed-hardware emulator (PM1 blocks, PM timer, reset register)
# through its operations on the shared fake guest and clock.
UNIT_TESTS += acpi_pm
acpi_pm_SRCS := tests/unit/test_acpi_pm.c emulators/misc/acpi_pm.c \
	core/devemu_instance.c core/devemu_registry.c \
	tests/unit/host/fake_guest.c tests/unit/host/host_heap.c \
	tests/unit/host/host_string.c tests/unit/host/host_support.c
acpi_pm_LDLIBS := -Wl,-T,$(SRCTREE)/tests/unit/host/keel_tables.ld
$(BUILD)/unit/acpi_pm: $(SRCTREE)/tests/unit/host/keel_tables.ld
