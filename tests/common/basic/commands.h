/* SPDX-License-Identifier: GPL-2.0 */
/* The commands the common part implements itself (private to it). */
#ifndef BASIC_COMMANDS_H
#define BASIC_COMMANDS_H

#include "basic.h"

/* IPI kinds used by the common tests. */
#define IPI_PING 1
#define IPI_PONG 2
#define IPI_BENCH 3
#define IPI_SPIN 4
#define IPI_RUN 5
/* lazy.c: the handler checks state across an exit; a wake-up. */
#define IPI_LAZY 6
#define IPI_LAZY_WAKE 7

int cmd_memtest(int argc, char **argv);
int cmd_timer(int argc, char **argv);
int cmd_wfi(int argc, char **argv);
int cmd_timer_limits(int argc, char **argv);
int cmd_spin(int argc, char **argv);
/* lazy.c: lazily switched state and wake-ups, 2 vCPUs on one CPU. */
int cmd_lazy_state(int argc, char **argv);
int cmd_lazy_wake(int argc, char **argv);
void lazy_ipi(unsigned int kind, uint64_t now);
/* Every vCPU busy for `ticks` (smp.c). */
int basic_spin_all(uint64_t ticks);
/* smp.c: vCPU1 powered on and off again and again (Keel). */
int cmd_cpu_cycle(int argc, char **argv);
int cmd_bench(int argc, char **argv);
/* yield.c: every vCPU yields, counted in a window all guests share. */
int cmd_yield_count(int argc, char **argv);
/* virtio.c: the virtio-mmio conformance run and the hostile driver. */
int cmd_virtio(int argc, char **argv);
int cmd_virtio_hostile(int argc, char **argv);
int cmd_virtio_input(int argc, char **argv);
/* pc_devices.c: the MC146818 RTC and the 8254 timer, found by compatible. */
int cmd_cmos(int argc, char **argv);
int cmd_pit(int argc, char **argv);
/* finisher.c: power off or reset: the SiFive test finisher, ACPI PM. */
int cmd_finisher(int argc, char **argv);
int cmd_acpi_pm(int argc, char **argv);
/*
 * S5 through the keel,acpi-pm the device tree names: returns only if it
 * did not work, -1 if there is none, -2 if the machine is still on.
 */
long acpi_pm_poweroff(void);
void bench_help(void);

/* The timer test's state machine, shared with the timer benchmark. */
bool timer_oneshot(uint64_t deadline, uint64_t *fired_at);
/*
 * For a one-shot timer that the caller arms itself: expect it at
 * `deadline` (interrupts are enabled on return), then how many times it
 * fired (0 or 1) and when its handler ran.
 */
void timer_expect(uint64_t deadline);
unsigned int timer_fired(uint64_t *fired_at);

/* The IPI benchmark's handshake with the secondary CPU. */
extern unsigned int ipi_bench_seq;
extern unsigned int ipi_bench_ack;
/* IPI_BENCH interrupts vCPU1's handler has taken. */
extern unsigned int ipi_bench_handled;
/* `bench ipi-spin`: vCPU1 spins, interrupts enabled, until stop is set. */
extern unsigned int ipi_spin_stop;
void ipi_spin_receiver(unsigned int cpu);

#endif /* BASIC_COMMANDS_H */
