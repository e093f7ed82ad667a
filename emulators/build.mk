# SPDX-License-Identifier: GPL-2.0
# Device emulators for guests, each selected by its Kconfig option.
obj-$(CONFIG_EMU_PL011) += emulators/serial/pl011.o emulators/serial/uart_port.o
obj-$(CONFIG_EMU_NS16550) += emulators/serial/ns16550.o emulators/serial/uart_port.o
obj-$(CONFIG_EMU_PL031) += emulators/rtc/pl031.o
obj-$(CONFIG_EMU_GOLDFISH_RTC) += emulators/rtc/goldfish.o
obj-$(CONFIG_EMU_MC146818) += emulators/rtc/mc146818.o
obj-$(CONFIG_EMU_I8254) += emulators/timer/i8254.o
obj-$(CONFIG_EMU_SIFIVE_TEST) += emulators/misc/sifive_test.o
obj-$(CONFIG_EMU_ACPI_PM) += emulators/misc/acpi_pm.o
obj-$(CONFIG_EMU_VGIC) += emulators/irqchip/vgic-model.o
obj-$(CONFIG_EMU_VGIC_V3) += emulators/irqchip/vgic-v3.o
obj-$(CONFIG_EMU_VGIC_V2) += emulators/irqchip/vgic-v2.o
obj-$(CONFIG_EMU_PLIC) += emulators/irqchip/plic.o
obj-$(CONFIG_EMU_I8259) += emulators/irqchip/i8259.o
obj-$(CONFIG_EMU_LAPIC) += emulators/irqchip/lapic.o
obj-$(CONFIG_EMU_IOAPIC) += emulators/irqchip/ioapic.o
obj-$(CONFIG_EMU_ZERO) += emulators/memory/zero.o
obj-$(CONFIG_EMU_VIRTIO) += emulators/virtio/mmio.o
obj-$(CONFIG_EMU_VIRTIO_RNG) += emulators/virtio/rng.o
obj-$(CONFIG_EMU_VIRTIO_BLK) += emulators/virtio/blk.o
obj-$(CONFIG_EMU_VIRTIO_NET) += emulators/virtio/net.o
obj-$(CONFIG_EMU_VIRTIO_CONSOLE) += emulators/virtio/console.o
