# SPDX-License-Identifier: GPL-2.0
# An x86 guest's ACPI tables (arch/x86_64/guest_acpi.c), read back with
# arch/x86_64/acpi.c and checked by ACPICA's iasl (tools/setup-host.sh
# installs acpica-tools).
UNIT_TESTS += x86_guest_acpi
x86_guest_acpi_SRCS := tests/unit/test_x86_guest_acpi.c \
	arch/x86_64/guest_acpi.c arch/x86_64/acpi.c \
	tests/unit/host/host_support.c
