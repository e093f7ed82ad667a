# Board qemu-q35 (x86_64): QEMU's q35 PC with an AMD CPU that has SVM and
# nested paging (TCG offers no VMX). QEMU's pvh.bin loads keel.elf through
# its PVH note and passes the boot bundle as the first module; Keel reads
# the machine from ACPI (arch/x86_64/README.md).

QEMU ?= qemu-system-x86_64
QEMU_MEM ?= 512
QEMU_CPU ?= EPYC
QEMU_ARGS = -M q35 -cpu $(QEMU_CPU) -nic none -kernel $(BUILD)/keel.elf

# No guests yet: x86_64 guests come with SVM (docs/x86_64.md).
GUEST_FIRMWARE_MK :=
GUEST_FIRMWARE =
GUEST_DIR := tests/x86_64/qemu-q35
RUN_GUESTS :=
TEST_GUESTS :=
OWN_BUNDLE_GUESTS :=
