obj-$(CONFIG_SERIAL_PL011) += drivers/serial/pl011.o
obj-$(CONFIG_IRQCHIP_GICV2) += drivers/irqchip/gic-v2.o drivers/irqchip/gic-common.o
obj-$(CONFIG_IRQCHIP_GICV3) += drivers/irqchip/gic-v3.o drivers/irqchip/gic-common.o
obj-$(CONFIG_TIMER_ARM_ARCH) += drivers/timer/arm_arch_timer.o
obj-$(CONFIG_FIRMWARE_PSCI) += drivers/firmware/psci.o
obj-$(CONFIG_RTC_PL031) += drivers/rtc/pl031.o
