# Board qemu-virt (riscv64): QEMU's virt machine with a hypervisor-capable
# hart (h=true). What the top Makefile needs to run Keel on it and which
# guests go in its boot bundles. QEMU builds the host device tree itself.

QEMU ?= qemu-system-riscv64
QEMU_MEM ?= 256
QEMU_CPU ?= rv64,h=true
# OpenSBI (QEMU's default -bios) starts -kernel at 0x80200000 in HS-mode.
QEMU_ARGS = -M virt -cpu $(QEMU_CPU) -nic none \
	-global virtio-mmio.force-legacy=false -kernel $(BUILD)/keel.bin

# The guests `make run` and the tests boot: firmware build and descriptions.
GUEST_FIRMWARE_MK := tests/riscv/virt64/basic/build.mk
GUEST_FIRMWARE = $(GUEST_FIRMWARE_RISCV)
GUEST_DIR := tests/riscv/virt64
RUN_GUESTS := basic0
TEST_GUESTS := basic0 basic1 basic-virtio basic-virtio-rng basic-virtio-net linux0 linux-virtio linux-hostdisk bad/no-memory bad/overlap bad/unknown-compatible \
	bad/too-many-vcpus bad/passthrough-ram bad/passthrough-keel bad/passthrough-wrap \
	bad/memory-wrap bad/rom-wrap bad/device-beyond-pa bad/missing-initrd bad/empty-kernel \
	bad/huge-dt bad/bad-affinity bad/irq-parent bad/irq-line-range bad/irq-line-zero \
	bad/irq-count bad/irq-no-parent bad/irq-parent-not-controller bad/irq-cells-mismatch \
	bad/irq-plic-ndev bad/image-misaligned \
	bad/virtio-nosuch bad/virtio-no-backend bad/virtio-missing-file
# Descriptions tests put in boot bundles of their own (they start at boot
# in place of basic0, so not in the test bundle).
OWN_BUNDLE_GUESTS := basic-hostdisk linux-1cpu
