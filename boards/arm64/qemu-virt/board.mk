# Board qemu-virt (arm64): QEMU's virt machine with EL2 (virtualization=on).
# What the top Makefile needs to run Keel on it and which guests go in its
# boot bundles. QEMU builds the host device tree itself. Its virtio-mmio
# devices speak version 2 (the only one Keel drives), so that a disk or an
# rng given through QEMU_EXTRA is found.

QEMU ?= qemu-system-aarch64
QEMU_GIC ?= 3
QEMU_CPU ?= cortex-a57
QEMU_ARGS = -M virt,virtualization=on,gic-version=$(QEMU_GIC) -cpu $(QEMU_CPU) \
	-nic none -global virtio-mmio.force-legacy=false -kernel $(BUILD)/keel.bin

# The guests `make run` and the tests boot: firmware build and descriptions.
GUEST_FIRMWARE_MK := tests/arm64/virt-v8/basic/build.mk
GUEST_FIRMWARE = $(GUEST_FIRMWARE_ARM64)
GUEST_DIR := tests/arm64/virt-v8
RUN_GUESTS := basic0
TEST_GUESTS := basic0 basic1 basic-gicv2 basic-virtio basic-virtio-rng basic-virtio-net linux0 linux-virtio linux-hostdisk linux-gicv2 bad/no-memory bad/overlap bad/unknown-compatible \
	bad/too-many-vcpus bad/passthrough-ram bad/passthrough-keel bad/passthrough-wrap \
	bad/memory-wrap bad/rom-wrap bad/device-beyond-pa bad/missing-initrd bad/empty-kernel \
	bad/huge-dt bad/bad-affinity bad/irq-parent bad/irq-spi-range bad/irq-ppi-range \
	bad/irq-type bad/irq-cells bad/irq-count bad/irq-no-parent bad/irq-parent-not-controller \
	bad/irq-cells-mismatch bad/irq-spi-nr-irqs bad/image-misaligned \
	bad/virtio-nosuch bad/virtio-no-backend bad/virtio-missing-file
# Descriptions tests put in boot bundles of their own (they start at boot
# in place of basic0, so not in the test bundle).
OWN_BUNDLE_GUESTS := basic-hostdisk
