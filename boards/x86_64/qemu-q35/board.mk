# Board qemu-q35 (x86_64): QEMU's q35 PC with an AMD CPU that has SVM and
# nested paging (TCG offers no VMX). QEMU's pvh.bin loads keel.elf through
# its PVH note and passes the boot bundle as the first module; Keel reads
# the machine from ACPI (arch/x86_64/README.md).

QEMU ?= qemu-system-x86_64
QEMU_MEM ?= 512
QEMU_CPU ?= EPYC
QEMU_ARGS = -M q35 -cpu $(QEMU_CPU) -nic none -kernel $(BUILD)/keel.elf

# The guests `make run` and the tests boot: the basic firmware and the SVM
# probe (docs/x86_64.md), descriptions.
GUEST_FIRMWARE_MK := tests/x86_64/qemu-q35/basic/build.mk
GUEST_FIRMWARE = $(GUEST_FIRMWARE_X86_BASIC) $(GUEST_FIRMWARE_X86)
GUEST_DIR := tests/x86_64/qemu-q35
RUN_GUESTS := basic0
TEST_GUESTS := basic0 basic1 basic-virtio basic-virtio-rng basic-virtio-net \
	bad/virtio-nosuch bad/virtio-no-backend bad/virtio-missing-file \
	probe bad/isa-space bad/isa-ports bad/isa-cells \
	bad/smp-no-lapic linux0 linux-virtio
OWN_BUNDLE_GUESTS := linux-1cpu
