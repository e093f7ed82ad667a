obj-$(CONFIG_SERIAL_PL011) += drivers/serial/pl011.o drivers/serial/fdt_pl011.o \
	drivers/serial/serial.o drivers/serial/serial_tx.o
obj-$(CONFIG_IRQCHIP_GICV2) += drivers/irqchip/gic-v2.o drivers/irqchip/gic-common.o
obj-$(CONFIG_IRQCHIP_GICV3) += drivers/irqchip/gic-v3.o drivers/irqchip/gic-common.o
obj-$(CONFIG_TIMER_ARM_ARCH) += drivers/timer/arm_arch_timer.o
obj-$(CONFIG_FIRMWARE_PSCI) += drivers/firmware/psci.o
obj-$(CONFIG_RTC_PL031) += drivers/rtc/pl031.o
obj-$(CONFIG_RTC_GOLDFISH) += drivers/rtc/goldfish.o
obj-$(CONFIG_RTC_MC146818_PORT_IO) += drivers/rtc/mc146818_pio.o
obj-$(CONFIG_SERIAL_NS16550) += drivers/serial/ns16550.o \
	drivers/serial/fdt_ns16550.o drivers/serial/serial.o \
	drivers/serial/serial_tx.o drivers/serial/serial_fdt.o
obj-$(CONFIG_SERIAL_NS16550_PORT_IO) += drivers/serial/ns16550_pio.o
obj-$(CONFIG_IRQCHIP_X86_APIC) += drivers/irqchip/x86-apic.o
obj-$(CONFIG_TIMER_X86_TSC) += drivers/timer/x86_tsc.o
obj-$(CONFIG_FIRMWARE_X86_ACPI_PM) += drivers/firmware/x86_acpi_pm.o
obj-$(CONFIG_IRQCHIP_RISCV_INTC) += drivers/irqchip/riscv-intc.o
obj-$(CONFIG_IRQCHIP_PLIC) += drivers/irqchip/plic.o
obj-$(CONFIG_IRQCHIP_APLIC) += drivers/irqchip/aplic.o
obj-$(CONFIG_TIMER_RISCV) += drivers/timer/riscv_timer.o
obj-$(CONFIG_FIRMWARE_SBI) += drivers/firmware/sbi.o
obj-$(CONFIG_VIRTIO_MMIO) += drivers/virtio/virtio.o drivers/virtio/virtio_ring.o \
	drivers/virtio/virtio_mmio.o
obj-$(CONFIG_VIRTIO_RNG) += drivers/virtio/virtio_rng.o
obj-$(CONFIG_VIRTIO_BLK) += drivers/virtio/virtio_blk.o
obj-$(CONFIG_VIRTIO_NET) += drivers/virtio/virtio_net.o
