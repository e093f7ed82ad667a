/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Goldfish real-time clock (Android's emulator device; QEMU's RISC-V
 * virt machine has one): its register layout, as QEMU hw/rtc/goldfish_rtc.c
 * and the Android emulator's goldfish device documentation define it, for
 * the host driver (drivers/rtc/goldfish.c), the emulator
 * (emulators/rtc/goldfish.c) and its unit test. Offsets are in bytes from
 * the device's base; every register is 32 bits wide. The time and the
 * alarm are 64-bit counts of nanoseconds since 1970, split in halves.
 */
#ifndef KEEL_HW_GOLDFISH_RTC_H
#define KEEL_HW_GOLDFISH_RTC_H

#define RTC_TIME_LOW 0x00 /* the time's low half; reading latches the high */
#define RTC_TIME_HIGH 0x04 /* the high half latched by the last TIME_LOW read */
#define RTC_ALARM_LOW 0x08 /* the alarm's low half; writing arms the alarm */
#define RTC_ALARM_HIGH 0x0c /* the alarm's high half */
#define RTC_IRQ_ENABLED 0x10 /* whether the alarm may interrupt */
#define RTC_CLEAR_ALARM 0x14 /* any write disarms the alarm */
#define RTC_ALARM_STATUS 0x18 /* whether the alarm is armed (read-only) */
#define RTC_CLEAR_INTERRUPT 0x1c /* any write clears the interrupt */

/* The span of the registers (QEMU decodes a 4 KiB page for them). */
#define GOLDFISH_RTC_WINDOW 0x20

/* RTC_IRQ_ENABLED: the alarm may interrupt. */
#define RTC_IRQ_ENABLED_ALARM (1U << 0)
/* RTC_ALARM_STATUS: the alarm is armed. */
#define RTC_ALARM_STATUS_ARMED (1U << 0)

#endif
