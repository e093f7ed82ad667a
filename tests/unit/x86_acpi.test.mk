# SPDX-License-Identifier: GPL-2.0
# ACPI table reading (arch/x86_64/acpi.c) over QEMU q35's real tables
# (x86_q35_acpi.h), corrupted copies of them, and made-up XSDT, x2APIC
# and \_S5 forms.
UNIT_TESTS += x86_acpi
x86_acpi_SRCS := tests/unit/test_x86_acpi.c arch/x86_64/acpi.c \
	tests/unit/host/host_support.c
